/* kconn: a connection to one Kafka broker: TCP with a deadline, TLS (OpenSSL, through
 * memory BIOs so every socket write can use MSG_NOSIGNAL and every wait honours the
 * deadline), SASL PLAIN and SCRAM, ApiVersions, and the request/response framing. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "agent/kconn.h"
#include "kfleet/monotonic.h"
#include "kfleet/strfmt.h"
#include "agent/scram.h"

#define KCONN_MAX_RESPONSE (64 * 1024 * 1024) /* refuse larger frames */
#define KCONN_API_VERSIONS 18
#define KCONN_SASL_HANDSHAKE 17
#define KCONN_SASL_AUTHENTICATE 36

struct kconn {
	const struct kconn_config *config;
	int fd;
	int64_t deadline_ms;
	char *peer;                      /* "host:port", for messages */
	SSL_CTX *ssl_ctx;
	SSL *ssl;
	BIO *tls_in, *tls_out;           /* owned by SSL: socket bytes in, TLS records out */
	int32_t correlation_id;
	int requests;
	int16_t api_min[KCONN_API_COUNT];
	int16_t api_max[KCONN_API_COUNT]; /* -1: not supported */
};

static void
kconn_set_err(char **err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	free(*err);
	va_start(ap, fmt);
	*err = strfmt_v(fmt, ap);
	va_end(ap);
}

/* Wait until the socket is ready for EVENTS, or the deadline passes. */
static enum kconn_status
kconn_wait(struct kconn *conn, short events, char **err)
{
	for (;;) {
		int64_t left = conn->deadline_ms - monotonic_ms();
		struct pollfd pfd = { .fd = conn->fd, .events = events };
		int rc;

		if (left <= 0) {
			kconn_set_err(err, "%s: timed out", conn->peer);
			return KCONN_NETWORK;
		}
		rc = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (rc > 0)
			return KCONN_OK;
		if (rc < 0 && errno != EINTR) {
			kconn_set_err(err, "%s: poll: %s", conn->peer, strerror(errno));
			return KCONN_NETWORK;
		}
	}
}

static enum kconn_status
sock_write_all(struct kconn *conn, const unsigned char *data, size_t length, char **err)
{
	while (length > 0) {
		ssize_t n = send(conn->fd, data, length, MSG_NOSIGNAL);

		if (n > 0) {
			data += n;
			length -= (size_t)n;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
			if (kconn_wait(conn, POLLOUT, err) != KCONN_OK)
				return KCONN_NETWORK;
		} else {
			kconn_set_err(err, "%s: send: %s", conn->peer, strerror(errno));
			return KCONN_NETWORK;
		}
	}
	return KCONN_OK;
}

/* Read what is there, at least one byte, at most CAPACITY; *READ says how many. */
static enum kconn_status
sock_read_some(struct kconn *conn, unsigned char *data, size_t capacity, size_t *read_count,
               char **err)
{
	for (;;) {
		ssize_t n = recv(conn->fd, data, capacity, 0);

		if (n > 0) {
			*read_count = (size_t)n;
			return KCONN_OK;
		}
		if (n == 0) {
			kconn_set_err(err, "%s: the broker closed the connection", conn->peer);
			return KCONN_NETWORK;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			kconn_set_err(err, "%s: recv: %s", conn->peer, strerror(errno));
			return KCONN_NETWORK;
		}
		if (kconn_wait(conn, POLLIN, err) != KCONN_OK)
			return KCONN_NETWORK;
	}
}

/* OpenSSL's queued error, or FALLBACK, as text. */
static const char *
tls_error_text(char *buf, size_t size, const char *fallback)
{
	unsigned long code = ERR_get_error();

	if (code == 0)
		return fallback;
	ERR_error_string_n(code, buf, size);
	ERR_clear_error();
	return buf;
}

enum tls_op { TLS_HANDSHAKE, TLS_READ, TLS_WRITE };

/* Run one TLS operation to completion: TLS records go out as they are made, socket
 * bytes come in when OpenSSL wants them. Returns the operation's positive result, or
 * -1 with *err set. */
static int
tls_run(struct kconn *conn, enum tls_op op, void *data, size_t length, char **err)
{
	unsigned char chunk[16384];

	for (;;) {
		int rc, code;

		ERR_clear_error();
		switch (op) {
		case TLS_HANDSHAKE:
			rc = SSL_connect(conn->ssl);
			break;
		case TLS_READ:
			rc = SSL_read(conn->ssl, data, length > INT32_MAX ? INT32_MAX : (int)length);
			break;
		default:
			rc = SSL_write(conn->ssl, data, length > INT32_MAX ? INT32_MAX : (int)length);
			break;
		}
		code = rc > 0 ? SSL_ERROR_NONE : SSL_get_error(conn->ssl, rc);
		/* Send whatever OpenSSL produced, also the alert of a failed handshake. */
		while (BIO_ctrl_pending(conn->tls_out) > 0) {
			int n = BIO_read(conn->tls_out, chunk, sizeof chunk);

			if (n <= 0)
				break;
			if (sock_write_all(conn, chunk, (size_t)n, err) != KCONN_OK)
				return -1;
		}
		if (rc > 0)
			return rc;
		if (code == SSL_ERROR_WANT_READ) {
			size_t n;

			if (sock_read_some(conn, chunk, sizeof chunk, &n, err) != KCONN_OK)
				return -1;
			if (BIO_write(conn->tls_in, chunk, (int)n) != (int)n) {
				kconn_set_err(err, "%s: TLS: out of memory", conn->peer);
				return -1;
			}
			continue;
		}
		if (code == SSL_ERROR_WANT_WRITE)
			continue;
		{
			char text[256];
			long verify = SSL_get_verify_result(conn->ssl);

			if (op == TLS_HANDSHAKE && verify != X509_V_OK)
				kconn_set_err(err, "%s: TLS: certificate verification failed: %s",
				              conn->peer, X509_verify_cert_error_string(verify));
			else if (code == SSL_ERROR_ZERO_RETURN)
				kconn_set_err(err, "%s: TLS: the broker closed the connection", conn->peer);
			else
				kconn_set_err(err, "%s: TLS: %s", conn->peer,
				              tls_error_text(text, sizeof text, "handshake or I/O failed"));
			return -1;
		}
	}
}

static enum kconn_status
conn_write_all(struct kconn *conn, const unsigned char *data, size_t length, char **err)
{
	if (conn->ssl == NULL)
		return sock_write_all(conn, data, length, err);
	while (length > 0) {
		int n = tls_run(conn, TLS_WRITE, (void *)data, length, err);

		if (n < 0)
			return KCONN_NETWORK;
		data += n;
		length -= (size_t)n;
	}
	return KCONN_OK;
}

static enum kconn_status
conn_read_full(struct kconn *conn, unsigned char *data, size_t length, char **err)
{
	while (length > 0) {
		size_t n;

		if (conn->ssl != NULL) {
			int rc = tls_run(conn, TLS_READ, data, length, err);

			if (rc < 0)
				return KCONN_NETWORK;
			n = (size_t)rc;
		} else if (sock_read_some(conn, data, length, &n, err) != KCONN_OK) {
			return KCONN_NETWORK;
		}
		data += n;
		length -= n;
	}
	return KCONN_OK;
}

/* A non-blocking TCP connection to HOST:PORT, trying each address it resolves to. */
static enum kconn_status
tcp_connect(struct kconn *conn, const char *host, int port, char **err)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *addresses, *ai;
	char service[16];
	int rc;

	snprintf(service, sizeof service, "%d", port);
	rc = getaddrinfo(host, service, &hints, &addresses);
	if (rc != 0) {
		kconn_set_err(err, "%s: cannot resolve: %s", conn->peer, gai_strerror(rc));
		return KCONN_NETWORK;
	}
	kconn_set_err(err, "%s: no address", conn->peer);
	for (ai = addresses; ai != NULL; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		                ai->ai_protocol);
		int so_error = 0, one = 1;
		socklen_t so_length = sizeof so_error;

		if (fd < 0) {
			kconn_set_err(err, "%s: socket: %s", conn->peer, strerror(errno));
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		conn->fd = fd;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
			if (errno != EINPROGRESS) {
				so_error = errno;
			} else if (kconn_wait(conn, POLLOUT, err) != KCONN_OK) {
				close(fd);
				conn->fd = -1;
				continue;
			} else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &so_length) < 0) {
				so_error = errno;
			}
		}
		if (so_error == 0) {
			freeaddrinfo(addresses);
			return KCONN_OK;
		}
		kconn_set_err(err, "%s: connect: %s", conn->peer, strerror(so_error));
		close(fd);
		conn->fd = -1;
	}
	freeaddrinfo(addresses);
	return KCONN_NETWORK;
}

static int
tls_key_password(char *buf, int size, int rwflag, void *userdata)
{
	const char *password = userdata;
	size_t length;

	(void)rwflag;
	if (password == NULL || size <= 0)
		return 0;
	length = strlen(password);
	if (length > (size_t)size)
		length = (size_t)size;
	memcpy(buf, password, length);
	return (int)length;
}

/* The TLS context of CONFIG: CA, client certificate and key, verification. */
static enum kconn_status
tls_context(struct kconn *conn, const char *host, char **err)
{
	const struct kconn_config *config = conn->config;
	char text[256];
	struct in6_addr ip;
	bool host_is_ip = inet_pton(AF_INET, host, &ip) == 1 || inet_pton(AF_INET6, host, &ip) == 1;

	conn->ssl_ctx = SSL_CTX_new(TLS_client_method());
	if (conn->ssl_ctx == NULL)
		goto openssl_failed;
	SSL_CTX_set_min_proto_version(conn->ssl_ctx, TLS1_2_VERSION);
	if (config->ssl_ca_location != NULL) {
		const char *file = config->ssl_ca_location, *dir = NULL;
		int fd = open(file, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (fd >= 0) {
			close(fd);
			dir = file;
			file = NULL;
		}
		if (SSL_CTX_load_verify_locations(conn->ssl_ctx, file, dir) != 1) {
			kconn_set_err(err, "ssl.ca.location %s: %s", config->ssl_ca_location,
			              tls_error_text(text, sizeof text, "cannot be loaded"));
			return KCONN_REFUSED;
		}
	} else if (SSL_CTX_set_default_verify_paths(conn->ssl_ctx) != 1) {
		goto openssl_failed;
	}
	if (config->ssl_key_password != NULL) {
		SSL_CTX_set_default_passwd_cb(conn->ssl_ctx, tls_key_password);
		SSL_CTX_set_default_passwd_cb_userdata(conn->ssl_ctx, (void *)config->ssl_key_password);
	}
	if (config->ssl_certificate_location != NULL &&
	    SSL_CTX_use_certificate_chain_file(conn->ssl_ctx, config->ssl_certificate_location) != 1) {
		kconn_set_err(err, "ssl.certificate.location %s: %s", config->ssl_certificate_location,
		              tls_error_text(text, sizeof text, "cannot be loaded"));
		return KCONN_REFUSED;
	}
	if (config->ssl_key_location != NULL &&
	    (SSL_CTX_use_PrivateKey_file(conn->ssl_ctx, config->ssl_key_location,
	                                 SSL_FILETYPE_PEM) != 1 ||
	     SSL_CTX_check_private_key(conn->ssl_ctx) != 1)) {
		/* The error text never includes the password. */
		kconn_set_err(err, "ssl.key.location %s: %s", config->ssl_key_location,
		              tls_error_text(text, sizeof text, "cannot be loaded"));
		return KCONN_REFUSED;
	}
	SSL_CTX_set_verify(conn->ssl_ctx, config->ssl_verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE,
	                   NULL);

	conn->ssl = SSL_new(conn->ssl_ctx);
	conn->tls_in = BIO_new(BIO_s_mem());
	conn->tls_out = BIO_new(BIO_s_mem());
	if (conn->ssl == NULL || conn->tls_in == NULL || conn->tls_out == NULL) {
		BIO_free(conn->tls_in);
		BIO_free(conn->tls_out);
		conn->tls_in = conn->tls_out = NULL;
		goto openssl_failed;
	}
	BIO_set_mem_eof_return(conn->tls_in, -1);
	BIO_set_mem_eof_return(conn->tls_out, -1);
	SSL_set_bio(conn->ssl, conn->tls_in, conn->tls_out);
	if (!host_is_ip)
		SSL_set_tlsext_host_name(conn->ssl, host);
	if (config->ssl_verify && config->ssl_check_hostname) {
		X509_VERIFY_PARAM *param = SSL_get0_param(conn->ssl);
		int ok = host_is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, host)
		                    : X509_VERIFY_PARAM_set1_host(param, host, 0);

		if (ok != 1)
			goto openssl_failed;
	}
	return KCONN_OK;

openssl_failed:
	kconn_set_err(err, "%s: TLS setup: %s", conn->peer,
	              tls_error_text(text, sizeof text, "OpenSSL failed"));
	return KCONN_REFUSED;
}

enum kconn_status
kconn_request(struct kconn *conn, int api_key, int version, bool flexible,
              const struct kwire_buf *body, struct kwire_buf *response, char **err)
{
	struct kwire_buf request = { 0 };
	struct kwire_reader reader;
	unsigned char size_bytes[4];
	int32_t correlation_id = ++conn->correlation_id, answered_id;
	uint32_t size;
	enum kconn_status status;
	unsigned char *frame;

	memset(response, 0, sizeof *response);
	kwire_put_i32(&request, 0); /* the size, patched below */
	kwire_put_i16(&request, (int16_t)api_key);
	kwire_put_i16(&request, (int16_t)version);
	kwire_put_i32(&request, correlation_id);
	kwire_put_string(&request, conn->config->client_id, false); /* never compact */
	if (flexible)
		kwire_put_no_tags(&request);
	kwire_put_raw(&request, body->data, body->length);
	if (request.failed || body->failed || request.length - 4 > INT32_MAX) {
		kwire_buf_free(&request);
		kconn_set_err(err, "out of memory");
		return KCONN_NETWORK;
	}
	kwire_patch_i32(&request, 0, (int32_t)(request.length - 4));
	status = conn_write_all(conn, request.data, request.length, err);
	kwire_buf_free(&request);
	if (status != KCONN_OK)
		return status;
	conn->requests++;

	status = conn_read_full(conn, size_bytes, 4, err);
	if (status != KCONN_OK)
		return status;
	size = (uint32_t)size_bytes[0] << 24 | (uint32_t)size_bytes[1] << 16 |
	       (uint32_t)size_bytes[2] << 8 | size_bytes[3];
	if (size < 4 || size > KCONN_MAX_RESPONSE) {
		kconn_set_err(err, "%s: response of %u bytes refused (is this a Kafka listener "
		              "of the configured security.protocol?)", conn->peer, size);
		return KCONN_NETWORK;
	}
	frame = malloc(size);
	if (frame == NULL) {
		kconn_set_err(err, "out of memory");
		return KCONN_NETWORK;
	}
	status = conn_read_full(conn, frame, size, err);
	if (status != KCONN_OK) {
		free(frame);
		return status;
	}
	kwire_reader_init(&reader, frame, size);
	if (kwire_get_i32(&reader, &answered_id) < 0 || answered_id != correlation_id ||
	    (flexible && kwire_skip_tags(&reader) < 0)) {
		free(frame);
		kconn_set_err(err, "%s: malformed response header", conn->peer);
		return KCONN_NETWORK;
	}
	kwire_put_raw(response, reader.at, reader.left);
	free(frame);
	if (response->failed) {
		kwire_buf_free(response);
		kconn_set_err(err, "out of memory");
		return KCONN_NETWORK;
	}
	return KCONN_OK;
}

int
kconn_api_version(const struct kconn *conn, int api_key, int min, int max)
{
	int high;

	if (api_key < 0 || api_key >= KCONN_API_COUNT || conn->api_max[api_key] < 0)
		return -1;
	high = conn->api_max[api_key] < max ? conn->api_max[api_key] : max;
	if (high < min || high < conn->api_min[api_key])
		return -1;
	return high;
}

/* Name Kafka error CODE for a message: "NAME (CODE)" or "error CODE". */
static void
kconn_error_label(int code, char *buf, size_t size)
{
	const char *name = kwire_error_name(code);

	if (name != NULL)
		snprintf(buf, size, "%s (%d)", name, code);
	else
		snprintf(buf, size, "error %d", code);
}

/* ApiVersions v0: which versions of which APIs the broker speaks. */
static enum kconn_status
kconn_api_versions(struct kconn *conn, char **err)
{
	struct kwire_buf body = { 0 }, response = { 0 };
	struct kwire_reader reader;
	int16_t error_code;
	size_t count;
	bool is_null;
	enum kconn_status status;

	status = kconn_request(conn, KCONN_API_VERSIONS, 0, false, &body, &response, err);
	if (status != KCONN_OK)
		return status;
	kwire_reader_init(&reader, response.data, response.length);
	if (kwire_get_i16(&reader, &error_code) == 0 && error_code == 0 &&
	    kwire_get_array_length(&reader, false, false, 6, &count, &is_null) == 0) {
		for (size_t i = 0; i < count; i++) {
			int16_t key, min, max;

			if (kwire_get_i16(&reader, &key) < 0 || kwire_get_i16(&reader, &min) < 0 ||
			    kwire_get_i16(&reader, &max) < 0)
				break;
			if (key >= 0 && key < KCONN_API_COUNT) {
				conn->api_min[key] = min;
				conn->api_max[key] = max;
			}
		}
	}
	kwire_buf_free(&response);
	if (reader.failed) {
		kconn_set_err(err, "%s: malformed ApiVersions response", conn->peer);
		return KCONN_NETWORK;
	}
	if (error_code != 0) {
		char label[64];

		kconn_error_label(error_code, label, sizeof label);
		kconn_set_err(err, "%s: ApiVersions failed: %s", conn->peer, label);
		return KCONN_REFUSED;
	}
	return KCONN_OK;
}

static const char *
kconn_mechanism_name(enum kconn_mechanism mechanism)
{
	switch (mechanism) {
	case KCONN_SCRAM_SHA_256:
		return "SCRAM-SHA-256";
	case KCONN_SCRAM_SHA_512:
		return "SCRAM-SHA-512";
	default:
		return "PLAIN";
	}
}

/* SaslHandshake v1: the broker agrees to MECHANISM, or says which it offers. */
static enum kconn_status
sasl_handshake(struct kconn *conn, const char *mechanism, char **err)
{
	struct kwire_buf body = { 0 }, response = { 0 };
	struct kwire_reader reader;
	int16_t error_code = 0;
	enum kconn_status status;
	char offered[256] = "";
	size_t count = 0;
	bool is_null;

	if (kconn_api_version(conn, KCONN_SASL_HANDSHAKE, 1, 1) < 0) {
		kconn_set_err(err, "%s: the broker does not speak SaslHandshake v1", conn->peer);
		return KCONN_REFUSED;
	}
	kwire_put_string(&body, mechanism, false);
	status = kconn_request(conn, KCONN_SASL_HANDSHAKE, 1, false, &body, &response, err);
	kwire_buf_free(&body);
	if (status != KCONN_OK)
		return status;
	kwire_reader_init(&reader, response.data, response.length);
	if (kwire_get_i16(&reader, &error_code) == 0 &&
	    kwire_get_array_length(&reader, false, true, 2, &count, &is_null) == 0) {
		for (size_t i = 0; i < count; i++) {
			const char *name;
			size_t length, used = strlen(offered);

			if (kwire_get_string(&reader, false, false, &name, &length) < 0)
				break;
			snprintf(offered + used, sizeof offered - used, "%s%.*s", used ? ", " : "",
			         (int)length, name);
		}
	}
	kwire_buf_free(&response);
	if (reader.failed) {
		kconn_set_err(err, "%s: malformed SaslHandshake response", conn->peer);
		return KCONN_NETWORK;
	}
	if (error_code != 0) {
		char label[64];

		kconn_error_label(error_code, label, sizeof label);
		kconn_set_err(err, "%s: SASL mechanism %s refused: %s (the broker offers: %s)",
		              conn->peer, mechanism, label, offered[0] ? offered : "none");
		return KCONN_REFUSED;
	}
	return KCONN_OK;
}

/* One SaslAuthenticate round: send TOKEN, receive the server's bytes into *REPLY
 * (caller frees with kwire_buf_free). A refusal names the broker's message. */
static enum kconn_status
sasl_authenticate(struct kconn *conn, const void *token, size_t length, struct kwire_buf *reply,
                  char **err)
{
	int version = kconn_api_version(conn, KCONN_SASL_AUTHENTICATE, 0, 2);
	bool flexible = version >= 2;
	struct kwire_buf body = { 0 }, response = { 0 };
	struct kwire_reader reader;
	int16_t error_code = 0;
	const char *message = NULL;
	const unsigned char *bytes = NULL;
	size_t message_length = 0, bytes_length = 0;
	enum kconn_status status;

	memset(reply, 0, sizeof *reply);
	if (version < 0) {
		kconn_set_err(err, "%s: the broker does not speak SaslAuthenticate v0-2", conn->peer);
		return KCONN_REFUSED;
	}
	kwire_put_bytes(&body, token, length, flexible);
	if (flexible)
		kwire_put_no_tags(&body);
	status = kconn_request(conn, KCONN_SASL_AUTHENTICATE, version, flexible, &body, &response,
	                       err);
	OPENSSL_cleanse(body.data, body.length);
	kwire_buf_free(&body);
	if (status != KCONN_OK)
		return status;
	kwire_reader_init(&reader, response.data, response.length);
	if (kwire_get_i16(&reader, &error_code) == 0 &&
	    kwire_get_string(&reader, flexible, true, &message, &message_length) == 0)
		kwire_get_bytes(&reader, flexible, &bytes, &bytes_length);
	if (reader.failed) {
		kwire_buf_free(&response);
		kconn_set_err(err, "%s: malformed SaslAuthenticate response", conn->peer);
		return KCONN_NETWORK;
	}
	if (error_code != 0) {
		char label[64];

		kconn_error_label(error_code, label, sizeof label);
		kconn_set_err(err, "%s: authentication failed: %s%s%.*s", conn->peer, label,
		              message ? ": " : "", (int)message_length, message ? message : "");
		kwire_buf_free(&response);
		return KCONN_REFUSED;
	}
	kwire_put_raw(reply, bytes, bytes_length);
	kwire_buf_free(&response);
	if (reply->failed) {
		kwire_buf_free(reply);
		kconn_set_err(err, "out of memory");
		return KCONN_NETWORK;
	}
	return KCONN_OK;
}

static enum kconn_status
sasl_plain(struct kconn *conn, char **err)
{
	const char *user = conn->config->username, *password = conn->config->password;
	struct kwire_buf token = { 0 }, reply = { 0 };
	enum kconn_status status;

	/* authzid (empty) \0 authcid \0 password */
	kwire_put_raw(&token, "", 1);
	kwire_put_raw(&token, user, strlen(user) + 1);
	kwire_put_raw(&token, password, strlen(password));
	if (token.failed) {
		kwire_buf_free(&token);
		kconn_set_err(err, "out of memory");
		return KCONN_NETWORK;
	}
	status = sasl_authenticate(conn, token.data, token.length, &reply, err);
	OPENSSL_cleanse(token.data, token.length);
	kwire_buf_free(&token);
	kwire_buf_free(&reply);
	return status;
}

static enum kconn_status
sasl_scram(struct kconn *conn, const char *mechanism, char **err)
{
	struct scram *scram = scram_new(mechanism);
	struct kwire_buf reply = { 0 };
	char *message = NULL, *cause = NULL;
	enum kconn_status status = KCONN_REFUSED;

	if (scram == NULL) {
		kconn_set_err(err, "out of memory");
		return KCONN_NETWORK;
	}
	message = scram_client_first(scram, conn->config->username, NULL, &cause);
	if (message == NULL)
		goto failed;
	status = sasl_authenticate(conn, message, strlen(message), &reply, err);
	free(message);
	if (status != KCONN_OK)
		goto done;
	message = scram_client_final(scram, conn->config->password, (const char *)reply.data,
	                             reply.length, &cause);
	kwire_buf_free(&reply);
	if (message == NULL) {
		status = KCONN_REFUSED;
		goto failed;
	}
	status = sasl_authenticate(conn, message, strlen(message), &reply, err);
	OPENSSL_cleanse(message, strlen(message));
	free(message);
	if (status != KCONN_OK)
		goto done;
	if (scram_verify_server_final(scram, (const char *)reply.data, reply.length, &cause) < 0) {
		status = KCONN_REFUSED;
		goto failed;
	}
	goto done;

failed:
	kconn_set_err(err, "%s: %s", conn->peer, cause ? cause : "SCRAM failed");
done:
	free(cause);
	kwire_buf_free(&reply);
	scram_free(scram);
	return status;
}

enum kconn_status
kconn_open(const struct kconn_config *config, const char *host, int port, int64_t deadline_ms,
           struct kconn **out, char **err)
{
	struct kconn *conn = calloc(1, sizeof *conn);
	enum kconn_status status;
	bool tls = config->security == KCONN_SSL || config->security == KCONN_SASL_SSL;
	bool sasl = config->security == KCONN_SASL_PLAINTEXT || config->security == KCONN_SASL_SSL;

	*out = NULL;
	if (conn == NULL) {
		kconn_set_err(err, "out of memory");
		return KCONN_NETWORK;
	}
	conn->config = config;
	conn->fd = -1;
	conn->deadline_ms = deadline_ms;
	for (int i = 0; i < KCONN_API_COUNT; i++)
		conn->api_min[i] = conn->api_max[i] = -1;
	if (asprintf(&conn->peer, strchr(host, ':') ? "[%s]:%d" : "%s:%d", host, port) < 0) {
		conn->peer = NULL;
		free(conn);
		kconn_set_err(err, "out of memory");
		return KCONN_NETWORK;
	}
	status = tcp_connect(conn, host, port, err);
	if (status == KCONN_OK && tls) {
		status = tls_context(conn, host, err);
		if (status == KCONN_OK && tls_run(conn, TLS_HANDSHAKE, NULL, 0, err) < 0)
			status = KCONN_NETWORK;
	}
	if (status == KCONN_OK)
		status = kconn_api_versions(conn, err);
	if (status == KCONN_OK && sasl) {
		const char *mechanism = kconn_mechanism_name(config->mechanism);

		status = sasl_handshake(conn, mechanism, err);
		if (status == KCONN_OK)
			status = config->mechanism == KCONN_PLAIN ? sasl_plain(conn, err)
			                                          : sasl_scram(conn, mechanism, err);
	}
	if (status != KCONN_OK) {
		kconn_close(conn);
		return status;
	}
	*out = conn;
	return KCONN_OK;
}

void
kconn_close(struct kconn *conn)
{
	if (conn == NULL)
		return;
	SSL_free(conn->ssl); /* frees the BIOs too */
	SSL_CTX_free(conn->ssl_ctx);
	if (conn->fd >= 0)
		close(conn->fd);
	free(conn->peer);
	free(conn);
}

int
kconn_requests(const struct kconn *conn)
{
	return conn->requests;
}
