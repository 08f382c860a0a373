#ifndef CLIBCRYPTO_SHIM_H
#define CLIBCRYPTO_SHIM_H

// OpenSSL's SHA-256 (libcrypto, which libpq links too): the streaming SHA256_CTX API is the
// one whose state is a plain struct, so Swift wrappers that copy it copy the digest state.
// OpenSSL 3 marks it deprecated in favour of EVP; it is still the same assembly underneath.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/sha.h>
// HMAC-SHA256 for S3's Signature V4 and MD5 for its Content-MD5 part checksums.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/md5.h>

#endif
