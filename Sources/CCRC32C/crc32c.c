#include "crc32c.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
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
static int folding_available;
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
    folding_available = hardware_available && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("vpclmulqdq") &&
                        __builtin_cpu_supports("pclmul");
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

// Carry-less multiplication folding (Intel, "Fast CRC Computation for Generic Polynomials
// Using PCLMULQDQ"), 256 bytes a round in four 512-bit registers: about three times the speed
// of the three crc32 chains above on large buffers, which a consumer checks at every batch.
//
// A 16-byte lane A (read little-endian, its low half first in the stream) moved d bytes on
// becomes clmul(A.low, x^(8d+32) mod P) ^ clmul(A.high, x^(8d-32) mod P), both constants bit
// reflected to 33 bits: congruent to A followed by d zero bytes, and 16 bytes wide again. The
// register is started at zero with the incoming CRC xored into the first four bytes, and the
// last 16 folded bytes, whose CRC from zero equals that of everything folded, go through crc32.
#define FOLD_CONSTANTS(d_low, d_high) _mm_set_epi64x((long long)(d_high), (long long)(d_low))
#define FOLD_MINIMUM 1024

__attribute__((target("avx512f,vpclmulqdq,pclmul,sse4.2")))
static inline __m512i fold512(__m512i lanes, __m512i constants, __m512i next) {
    __m512i low = _mm512_clmulepi64_epi128(lanes, constants, 0x00);
    __m512i high = _mm512_clmulepi64_epi128(lanes, constants, 0x11);
    return _mm512_ternarylogic_epi64(low, high, next, 0x96);
}

__attribute__((target("avx512f,vpclmulqdq,pclmul,sse4.2")))
static inline __m128i fold128(__m128i lane, __m128i constants) {
    return _mm_xor_si128(_mm_clmulepi64_si128(lane, constants, 0x00), _mm_clmulepi64_si128(lane, constants, 0x11));
}

__attribute__((target("avx512f,vpclmulqdq,pclmul,sse4.2")))
static uint32_t folding_raw(uint32_t crc, const unsigned char *bytes, size_t length) {
    const __m512i by256 = _mm512_broadcast_i32x4(FOLD_CONSTANTS(0x0dcb17aa4ULL, 0x0b9e02b86ULL));
    const __m512i by64 = _mm512_broadcast_i32x4(FOLD_CONSTANTS(0x0740eef02ULL, 0x09e4addf8ULL));
    __m512i x0 = _mm512_xor_si512(_mm512_loadu_si512(bytes), _mm512_zextsi128_si512(_mm_cvtsi32_si128((int)crc)));
    __m512i x1 = _mm512_loadu_si512(bytes + 64);
    __m512i x2 = _mm512_loadu_si512(bytes + 128);
    __m512i x3 = _mm512_loadu_si512(bytes + 192);
    bytes += 256;
    length -= 256;
    while (length >= 256) {
        x0 = fold512(x0, by256, _mm512_loadu_si512(bytes));
        x1 = fold512(x1, by256, _mm512_loadu_si512(bytes + 64));
        x2 = fold512(x2, by256, _mm512_loadu_si512(bytes + 128));
        x3 = fold512(x3, by256, _mm512_loadu_si512(bytes + 192));
        bytes += 256;
        length -= 256;
    }
    x1 = fold512(x0, by64, x1);
    x2 = fold512(x1, by64, x2);
    x3 = fold512(x2, by64, x3);
    while (length >= 64) {
        x3 = fold512(x3, by64, _mm512_loadu_si512(bytes));
        bytes += 64;
        length -= 64;
    }
    __m128i last = _mm512_extracti32x4_epi32(x3, 3);
    last = _mm_xor_si128(last, fold128(_mm512_extracti32x4_epi32(x3, 0), FOLD_CONSTANTS(0x01c291d04ULL, 0x1d82c63daULL)));
    last = _mm_xor_si128(last, fold128(_mm512_extracti32x4_epi32(x3, 1), FOLD_CONSTANTS(0x1384aa63aULL, 0x0ba4fc28eULL)));
    last = _mm_xor_si128(last, fold128(_mm512_extracti32x4_epi32(x3, 2), FOLD_CONSTANTS(0x0f20c0dfeULL, 0x14cd00bd6ULL)));
    uint64_t words[2];
    _mm_storeu_si128((__m128i *)words, last);
    uint64_t wide = _mm_crc32_u64(0, words[0]);
    wide = _mm_crc32_u64(wide, words[1]);
    return hardware_raw((uint32_t)wide, bytes, length);
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
    if (folding_available && length >= FOLD_MINIMUM) return ~folding_raw(~crc, (const unsigned char *)data, length);
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
