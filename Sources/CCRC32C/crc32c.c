#include "crc32c.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <nmmintrin.h>
#define KF_HAVE_X86_CRC 1
#else
#define KF_HAVE_X86_CRC 0
#endif

// Everything below works on the raw CRC register (no pre/post inversion) in the reflected
// bit order that both the crc32 instruction and Kafka use: bit 31 holds the coefficient of
// x^0 and bit 0 that of x^31. The public functions add the inversions.

#define CASTAGNOLI_REFLECTED 0x82F63B78u

// Interleaved hardware streams work on blocks of these sizes; the tables below shift a
// register over one block in four lookups, which is what makes the interleaving pay off.
#define LONG_BLOCK 8192
#define SHORT_BLOCK 256

static uint32_t slicing_table[8][256];
static uint32_t shift_long_block[4][256];
static uint32_t shift_short_block[4][256];
static int hardware_available;
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

// Multiplies two polynomials modulo the Castagnoli polynomial (reflected representation).
static uint32_t multiply_mod_poly(uint32_t a, uint32_t b) {
    uint32_t product = 0;
    for (uint32_t power_bit = 0x80000000u; power_bit != 0; power_bit >>= 1) {
        if (a & power_bit) product ^= b;
        b = (b >> 1) ^ ((b & 1) ? CASTAGNOLI_REFLECTED : 0); // b *= x
    }
    return product;
}

// x^(8 * bytes) mod P: feeding `bytes` zero bytes through a register multiplies it by this.
static uint32_t zero_bytes_operator(uint64_t bytes) {
    uint32_t result = 0x80000000u; // x^0
    uint32_t square = 0x00800000u; // x^8, one zero byte
    while (bytes != 0) {
        if (bytes & 1) result = multiply_mod_poly(result, square);
        square = multiply_mod_poly(square, square);
        bytes >>= 1;
    }
    return result;
}

static void build_shift_table(uint32_t table[4][256], uint64_t bytes) {
    uint32_t op = zero_bytes_operator(bytes);
    for (uint32_t byte = 0; byte < 256; byte++) {
        for (int lane = 0; lane < 4; lane++) {
            table[lane][byte] = multiply_mod_poly(op, byte << (8 * lane));
        }
    }
}

static void initialize(void) {
    for (uint32_t byte = 0; byte < 256; byte++) {
        uint32_t crc = byte;
        for (int bit = 0; bit < 8; bit++) crc = (crc >> 1) ^ ((crc & 1) ? CASTAGNOLI_REFLECTED : 0);
        slicing_table[0][byte] = crc;
    }
    for (uint32_t byte = 0; byte < 256; byte++) {
        for (int k = 1; k < 8; k++) {
            uint32_t previous = slicing_table[k - 1][byte];
            slicing_table[k][byte] = (previous >> 8) ^ slicing_table[0][previous & 0xFF];
        }
    }
    build_shift_table(shift_long_block, LONG_BLOCK);
    build_shift_table(shift_short_block, SHORT_BLOCK);
#if KF_HAVE_X86_CRC
    __builtin_cpu_init();
    hardware_available = __builtin_cpu_supports("sse4.2") ? 1 : 0;
#endif
}

static inline void ensure_initialized(void) { pthread_once(&tables_once, initialize); }

static inline uint32_t shift_register(uint32_t table[4][256], uint32_t crc) {
    return table[0][crc & 0xFF] ^ table[1][(crc >> 8) & 0xFF] ^ table[2][(crc >> 16) & 0xFF] ^ table[3][crc >> 24];
}

static uint32_t software_raw(uint32_t crc, const unsigned char *bytes, size_t length) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    while (length != 0 && ((uintptr_t)bytes & 7) != 0) {
        crc = (crc >> 8) ^ slicing_table[0][(crc ^ *bytes++) & 0xFF];
        length--;
    }
    while (length >= 8) {
        uint64_t word;
        memcpy(&word, bytes, 8);
        word ^= crc;
        // The first byte still has seven bytes to travel through, hence the highest table.
        crc = slicing_table[7][word & 0xFF] ^ slicing_table[6][(word >> 8) & 0xFF] ^
              slicing_table[5][(word >> 16) & 0xFF] ^ slicing_table[4][(word >> 24) & 0xFF] ^
              slicing_table[3][(word >> 32) & 0xFF] ^ slicing_table[2][(word >> 40) & 0xFF] ^
              slicing_table[1][(word >> 48) & 0xFF] ^ slicing_table[0][word >> 56];
        bytes += 8;
        length -= 8;
    }
#endif
    while (length-- != 0) crc = (crc >> 8) ^ slicing_table[0][(crc ^ *bytes++) & 0xFF];
    return crc;
}

#if KF_HAVE_X86_CRC
static inline uint64_t load_word(const unsigned char *bytes) {
    uint64_t word;
    memcpy(&word, bytes, 8);
    return word;
}

// Three independent crc32 chains per block: the instruction has a latency of about three
// cycles but a throughput of one per cycle, so a single chain would leave two thirds idle.
__attribute__((target("sse4.2")))
static void interleaved_blocks(uint64_t *register_io, const unsigned char **bytes_io, size_t *length_io,
                                   size_t block, uint32_t shift_table[4][256]) {
    uint64_t crc0 = *register_io;
    const unsigned char *bytes = *bytes_io;
    size_t length = *length_io;
    while (length >= 3 * block) {
        uint64_t crc1 = 0, crc2 = 0;
        const unsigned char *end = bytes + block;
        do {
            crc0 = _mm_crc32_u64(crc0, load_word(bytes));
            crc1 = _mm_crc32_u64(crc1, load_word(bytes + block));
            crc2 = _mm_crc32_u64(crc2, load_word(bytes + 2 * block));
            bytes += 8;
        } while (bytes < end);
        // crc(A || B) = shift(crc(A), |B|) ^ crc_from_zero(B)
        crc0 = shift_register(shift_table, (uint32_t)crc0) ^ (uint32_t)crc1;
        crc0 = shift_register(shift_table, (uint32_t)crc0) ^ (uint32_t)crc2;
        bytes += 2 * block;
        length -= 3 * block;
    }
    *register_io = crc0;
    *bytes_io = bytes;
    *length_io = length;
}

__attribute__((target("sse4.2")))
static uint32_t hardware_raw(uint32_t crc, const unsigned char *bytes, size_t length) {
    while (length != 0 && ((uintptr_t)bytes & 7) != 0) {
        crc = _mm_crc32_u8(crc, *bytes++);
        length--;
    }
    uint64_t wide = crc;
    interleaved_blocks(&wide, &bytes, &length, LONG_BLOCK, shift_long_block);
    interleaved_blocks(&wide, &bytes, &length, SHORT_BLOCK, shift_short_block);
    while (length >= 8) {
        wide = _mm_crc32_u64(wide, load_word(bytes));
        bytes += 8;
        length -= 8;
    }
    crc = (uint32_t)wide;
    while (length-- != 0) crc = _mm_crc32_u8(crc, *bytes++);
    return crc;
}
#endif

uint32_t kf_crc32c_software(uint32_t crc, const void *data, size_t length) {
    if (length == 0) return crc;
    ensure_initialized();
    return ~software_raw(~crc, (const unsigned char *)data, length);
}

uint32_t kf_crc32c_hardware(uint32_t crc, const void *data, size_t length) {
    if (length == 0) return crc;
    ensure_initialized();
#if KF_HAVE_X86_CRC
    if (hardware_available) return ~hardware_raw(~crc, (const unsigned char *)data, length);
#endif
    return ~software_raw(~crc, (const unsigned char *)data, length);
}

uint32_t kf_crc32c(uint32_t crc, const void *data, size_t length) {
    return kf_crc32c_hardware(crc, data, length);
}

int kf_crc32c_hardware_available(void) {
    ensure_initialized();
    return hardware_available;
}
