#ifndef ARTFACTORY_CWEBP_SHIM_H
#define ARTFACTORY_CWEBP_SHIM_H
#include <webp/encode.h>
#include <webp/decode.h>
#endif
