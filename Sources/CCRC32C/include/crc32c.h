#ifndef KAFKA_FAST_CRC32C_H
#define KAFKA_FAST_CRC32C_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// CRC-32C (Castagnoli), the checksum of Kafka record batches (magic 2).
//
// All functions take and return the *finished* CRC, like zlib's crc32(): start with 0 and
// chain calls to checksum data that arrives in pieces:
//     kf_crc32c(kf_crc32c(0, a, na), b, nb) == kf_crc32c(0, ab, na + nb)
// `data` may be NULL when `length` is 0. All functions are thread-safe.

// Uses the SSE4.2 crc32 instruction when the CPU has it, otherwise the software path.
uint32_t kf_crc32c(uint32_t crc, const void *data, size_t length);

// Portable slicing-by-8 table implementation.
uint32_t kf_crc32c_software(uint32_t crc, const void *data, size_t length);

// The SSE4.2 path. Meant for tests and benchmarks; when the CPU lacks SSE4.2 it falls
// back to the software path rather than faulting, so check kf_crc32c_hardware_available()
// before attributing its speed to the hardware.
uint32_t kf_crc32c_hardware(uint32_t crc, const void *data, size_t length);

// 1 when kf_crc32c uses the crc32 instruction, 0 otherwise. Detected once and cached.
int kf_crc32c_hardware_available(void);

#ifdef __cplusplus
}
#endif

#endif
