#include <stdint.h>
#include <stddef.h>
uint32_t kf_crc32c(uint32_t crc, const void *data, size_t length);
