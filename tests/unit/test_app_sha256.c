/*
 * test_app_sha256.c - SHA-256 against the FIPS 180-4 example vectors (the
 * NIST "SHA256.pdf" examples) and the classic one-million-'a' message,
 * fed in uneven pieces so block boundaries fall in odd places.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "app/sha256.h"

static void test_abc(void **state)
{
    (void)state;
    char hex[65];
    km_sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_empty(void **state)
{
    (void)state;
    char hex[65];
    km_sha256_hex("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_two_blocks(void **state)
{
    (void)state;
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"; /* 448 bits */
    char hex[65];
    km_sha256_hex(m, strlen(m), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_896_bits(void **state)
{
    (void)state;
    const char *m = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    char hex[65];
    km_sha256_hex(m, strlen(m), hex);
    assert_string_equal(hex, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void test_million_a_in_pieces(void **state)
{
    (void)state;
    static const char digits[] = "0123456789abcdef";
    char buf[1100]; /* > the largest piece below */
    memset(buf, 'a', sizeof buf);
    km_sha256 s;
    km_sha256_init(&s);
    size_t left = 1000000, piece = 1;
    while (left > 0) {
        size_t n = piece < left ? piece : left;
        km_sha256_update(&s, buf, n);
        left -= n;
        piece = piece % 997 + 63; /* uneven sizes across block edges */
    }
    uint8_t d[32];
    char hex[65];
    km_sha256_final(&s, d);
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[64] = 0;
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* 55 and 56 bytes are where the length no longer fits in the last block. */
static void test_padding_edges_differ(void **state)
{
    (void)state;
    char a[65], b[65];
    char m[64];
    memset(m, 'x', sizeof m);
    km_sha256_hex(m, 55, a);
    km_sha256_hex(m, 56, b);
    assert_string_not_equal(a, b);
    assert_int_equal(strlen(a), 64);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_abc),          cmocka_unit_test(test_empty),
        cmocka_unit_test(test_two_blocks),   cmocka_unit_test(test_896_bits),
        cmocka_unit_test(test_million_a_in_pieces), cmocka_unit_test(test_padding_edges_differ),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
