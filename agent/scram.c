/* scram: SASL SCRAM-SHA-256/512 client computations with OpenSSL (RFC 5802, RFC 7677). */
#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "agent/scram.h"
#include "kfleet/strfmt.h"

#define SCRAM_NONCE_BYTES 24

struct scram {
	const EVP_MD *md;
	char *client_first_bare;      /* n=USER,r=NONCE */
	char *client_nonce;
	unsigned char server_signature[EVP_MAX_MD_SIZE];
	unsigned server_signature_length; /* 0 until the client-final message is made */
};

static void
scram_set_err(char **err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	*err = strfmt_v(fmt, ap);
	va_end(ap);
}

struct scram *
scram_new(const char *mechanism)
{
	struct scram *scram;
	const EVP_MD *md;

	if (strcmp(mechanism, "SCRAM-SHA-256") == 0)
		md = EVP_sha256();
	else if (strcmp(mechanism, "SCRAM-SHA-512") == 0)
		md = EVP_sha512();
	else
		return NULL;
	scram = calloc(1, sizeof *scram);
	if (scram != NULL)
		scram->md = md;
	return scram;
}

void
scram_free(struct scram *scram)
{
	if (scram == NULL)
		return;
	free(scram->client_first_bare);
	free(scram->client_nonce);
	OPENSSL_cleanse(scram, sizeof *scram);
	free(scram);
}

/* Base64 of LENGTH bytes (caller frees), or NULL. */
static char *
scram_base64(const unsigned char *bytes, size_t length)
{
	char *out;

	if (length > INT_MAX / 2)
		return NULL;
	out = malloc(4 * ((length + 2) / 3) + 1);
	if (out != NULL)
		EVP_EncodeBlock((unsigned char *)out, bytes, (int)length);
	return out;
}

/* Decode LENGTH base64 characters into OUT (room for LENGTH bytes); the decoded length,
 * or -1 when TEXT is not canonical base64. */
static int
scram_unbase64(const char *text, size_t length, unsigned char *out)
{
	int n;
	size_t padding = 0;

	if (length == 0 || length % 4 != 0 || length > INT_MAX)
		return -1;
	n = EVP_DecodeBlock(out, (const unsigned char *)text, (int)length);
	if (n < 0)
		return -1;
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	if (text[length - 1] == '=')
		padding++;
	if (text[length - 2] == '=')
		padding++;
	return n - (int)padding;
}

/* USER with ',' and '=' escaped as RFC 5802 requires (caller frees), or NULL. */
static char *
scram_escape_user(const char *user)
{
	size_t length = 0;
	char *out, *at;

	for (const char *c = user; *c; c++)
		length += (*c == ',' || *c == '=') ? 3 : 1;
	out = malloc(length + 1);
	if (out == NULL)
		return NULL;
	at = out;
	for (const char *c = user; *c; c++) {
		if (*c == ',') {
			memcpy(at, "=2C", 3);
			at += 3;
		} else if (*c == '=') {
			memcpy(at, "=3D", 3);
			at += 3;
		} else {
			*at++ = *c;
		}
	}
	*at = '\0';
	return out;
}

char *
scram_client_first(struct scram *scram, const char *user, const char *nonce, char **err)
{
	char *escaped, *message = NULL;

	free(scram->client_first_bare);
	free(scram->client_nonce);
	scram->client_first_bare = scram->client_nonce = NULL;
	if (nonce != NULL) {
		scram->client_nonce = strdup(nonce);
	} else {
		unsigned char random[SCRAM_NONCE_BYTES];

		if (RAND_bytes(random, sizeof random) != 1) {
			scram_set_err(err, "SCRAM: no random bytes for the nonce");
			return NULL;
		}
		scram->client_nonce = scram_base64(random, sizeof random);
	}
	escaped = scram_escape_user(user);
	if (scram->client_nonce == NULL || escaped == NULL ||
	    asprintf(&scram->client_first_bare, "n=%s,r=%s", escaped, scram->client_nonce) < 0) {
		scram->client_first_bare = NULL;
		free(escaped);
		scram_set_err(err, "SCRAM: out of memory");
		return NULL;
	}
	free(escaped);
	if (asprintf(&message, "n,,%s", scram->client_first_bare) < 0) {
		scram_set_err(err, "SCRAM: out of memory");
		return NULL;
	}
	return message;
}

/* The server-first message's attributes, pointing into it. */
struct scram_server_first {
	const char *nonce;
	size_t nonce_length;
	const char *salt;
	size_t salt_length;
	long iterations;
};

static int
scram_parse_server_first(const char *message, size_t length, struct scram_server_first *out,
                         char **err)
{
	const char *at = message, *end = message + length;

	memset(out, 0, sizeof *out);
	while (at < end) {
		const char *comma = memchr(at, ',', (size_t)(end - at));
		const char *stop = comma ? comma : end;
		size_t size = (size_t)(stop - at);

		if (size < 2 || at[1] != '=') {
			scram_set_err(err, "SCRAM: malformed server-first message");
			return -1;
		}
		switch (at[0]) {
		case 'm':
			scram_set_err(err, "SCRAM: the server asks for an extension we do not know");
			return -1;
		case 'r':
			out->nonce = at + 2;
			out->nonce_length = size - 2;
			break;
		case 's':
			out->salt = at + 2;
			out->salt_length = size - 2;
			break;
		case 'i': {
			char digits[16];
			char *tail;

			if (size - 2 == 0 || size - 2 >= sizeof digits) {
				scram_set_err(err, "SCRAM: malformed iteration count");
				return -1;
			}
			memcpy(digits, at + 2, size - 2);
			digits[size - 2] = '\0';
			out->iterations = strtol(digits, &tail, 10);
			if (*tail != '\0') {
				scram_set_err(err, "SCRAM: malformed iteration count");
				return -1;
			}
			break;
		}
		default:
			break; /* extensions after i= are ignored, as RFC 5802 allows */
		}
		at = comma ? comma + 1 : end;
	}
	if (out->nonce == NULL || out->salt == NULL || out->iterations == 0) {
		scram_set_err(err, "SCRAM: the server-first message lacks r=, s= or i=");
		return -1;
	}
	return 0;
}

/* HMAC(KEY, DATA) into OUT (EVP_MAX_MD_SIZE); its length, or 0 on failure. */
static unsigned
scram_hmac(const EVP_MD *md, const unsigned char *key, size_t key_length, const void *data,
           size_t length, unsigned char *out)
{
	unsigned out_length = 0;

	if (HMAC(md, key, (int)key_length, data, length, out, &out_length) == NULL)
		return 0;
	return out_length;
}

char *
scram_client_final(struct scram *scram, const char *password, const char *server_first,
                   size_t length, char **err)
{
	struct scram_server_first first;
	unsigned char salt[512], salted[EVP_MAX_MD_SIZE], client_key[EVP_MAX_MD_SIZE];
	unsigned char stored_key[EVP_MAX_MD_SIZE], signature[EVP_MAX_MD_SIZE];
	unsigned char server_key[EVP_MAX_MD_SIZE], proof[EVP_MAX_MD_SIZE];
	char *without_proof = NULL, *auth_message = NULL, *proof64 = NULL, *message = NULL;
	unsigned md_length = (unsigned)EVP_MD_size(scram->md), stored_length = 0;
	size_t client_nonce_length;
	int salt_length;

	if (scram->client_first_bare == NULL) {
		scram_set_err(err, "SCRAM: no client-first message was sent");
		return NULL;
	}
	if (scram_parse_server_first(server_first, length, &first, err) < 0)
		return NULL;
	client_nonce_length = strlen(scram->client_nonce);
	if (first.nonce_length <= client_nonce_length ||
	    memcmp(first.nonce, scram->client_nonce, client_nonce_length) != 0) {
		scram_set_err(err, "SCRAM: the server nonce does not extend ours");
		return NULL;
	}
	if (first.iterations < SCRAM_MIN_ITERATIONS || first.iterations > SCRAM_MAX_ITERATIONS) {
		scram_set_err(err, "SCRAM: iteration count %ld outside %d..%d", first.iterations,
		              SCRAM_MIN_ITERATIONS, SCRAM_MAX_ITERATIONS);
		return NULL;
	}
	if (first.salt_length > sizeof salt ||
	    (salt_length = scram_unbase64(first.salt, first.salt_length, salt)) <= 0) {
		scram_set_err(err, "SCRAM: malformed salt");
		return NULL;
	}
	if (asprintf(&without_proof, "c=biws,r=%.*s", (int)first.nonce_length, first.nonce) < 0) {
		without_proof = NULL;
		goto out_of_memory;
	}
	if (asprintf(&auth_message, "%s,%.*s,%s", scram->client_first_bare, (int)length,
	             server_first, without_proof) < 0) {
		auth_message = NULL;
		goto out_of_memory;
	}
	if (PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, salt_length,
	                      (int)first.iterations, scram->md, (int)md_length, salted) != 1 ||
	    scram_hmac(scram->md, salted, md_length, "Client Key", 10, client_key) != md_length ||
	    EVP_Digest(client_key, md_length, stored_key, &stored_length, scram->md, NULL) != 1 ||
	    scram_hmac(scram->md, stored_key, md_length, auth_message, strlen(auth_message),
	               signature) != md_length ||
	    scram_hmac(scram->md, salted, md_length, "Server Key", 10, server_key) != md_length ||
	    scram_hmac(scram->md, server_key, md_length, auth_message, strlen(auth_message),
	               scram->server_signature) != md_length) {
		scram_set_err(err, "SCRAM: OpenSSL could not compute the proof");
		goto done;
	}
	scram->server_signature_length = md_length;
	for (unsigned i = 0; i < md_length; i++)
		proof[i] = client_key[i] ^ signature[i];
	proof64 = scram_base64(proof, md_length);
	if (proof64 == NULL || asprintf(&message, "%s,p=%s", without_proof, proof64) < 0) {
		message = NULL;
		goto out_of_memory;
	}
	goto done;

out_of_memory:
	scram_set_err(err, "SCRAM: out of memory");
done:
	OPENSSL_cleanse(salted, sizeof salted);
	OPENSSL_cleanse(client_key, sizeof client_key);
	OPENSSL_cleanse(stored_key, sizeof stored_key);
	OPENSSL_cleanse(server_key, sizeof server_key);
	free(without_proof);
	free(auth_message);
	free(proof64);
	return message;
}

int
scram_verify_server_final(struct scram *scram, const char *server_final, size_t length,
                          char **err)
{
	unsigned char signature[EVP_MAX_MD_SIZE + 3];
	int signature_length;

	if (length >= 2 && server_final[0] == 'e' && server_final[1] == '=') {
		scram_set_err(err, "SCRAM: the server refused: %.*s", (int)(length - 2),
		              server_final + 2);
		return -1;
	}
	if (scram->server_signature_length == 0 || length < 2 || server_final[0] != 'v' ||
	    server_final[1] != '=') {
		scram_set_err(err, "SCRAM: malformed server-final message");
		return -1;
	}
	/* Kafka may append extensions after the signature. */
	for (size_t i = 2; i < length; i++)
		if (server_final[i] == ',') {
			length = i;
			break;
		}
	if (length - 2 > 4 * ((sizeof signature - 3) / 3 + 1)) {
		scram_set_err(err, "SCRAM: malformed server signature");
		return -1;
	}
	signature_length = scram_unbase64(server_final + 2, length - 2, signature);
	if (signature_length != (int)scram->server_signature_length ||
	    CRYPTO_memcmp(signature, scram->server_signature, scram->server_signature_length) != 0) {
		scram_set_err(err, "SCRAM: the server's signature is wrong (not the real broker?)");
		return -1;
	}
	return 0;
}
