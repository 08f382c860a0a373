#ifndef CCRYPTO_SHIM_H
#define CCRYPTO_SHIM_H
// OpenSSL's libcrypto, for its SHA-256 (SHA-NI/AVX2 code chosen at run time) through EVP.
#include <openssl/evp.h>
#endif
