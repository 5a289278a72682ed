#include <lz4.h>
// Exposes LZ4F_compressFrame_usingCDict, which compresses a whole frame with a reusable context
// (exported by liblz4 since 1.8; declared only behind this macro).
#define LZ4F_STATIC_LINKING_ONLY
#include <lz4frame.h>
