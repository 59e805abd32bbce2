#ifndef ARTFACTORY_CCRYPTO_SHIM_H
#define ARTFACTORY_CCRYPTO_SHIM_H
/* OpenSSL's libcrypto, for SHA-256 through the EVP digest API (uses SHA-NI/AVX2 where present). */
#include <openssl/evp.h>
#endif
