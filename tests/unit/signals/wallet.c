/*
 * wallet.c - tests of the address validators with published vectors: BIP-173 and BIP-350
 * (bech32, bech32m, segwit addresses, valid and invalid), Bitcoin base58check examples, EIP-55
 * test cases, the Monero general fund address, the USDT-TRC20 contract on Tron, Litecoin
 * addresses; and single-character corruptions of each, which must all fail.
 */
#include "sigtest.h"
#include "signals/signals_int.h"

/* BIP-173 / BIP-350 generic strings: checksum kind only. */
static const char *const valid_bech32[] = {
    "A12UEL5L",
    "a12uel5l",
    "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
    "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
    "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
    "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
    "?1ezyfcl",
};
static const char *const valid_bech32m[] = {
    "A1LQFN3A",
    "a1lqfn3a",
    "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
    "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
    "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
    "split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
    "?1v759aa",
};
static const char *const invalid_bech32[] = {
    " 1nwldj5",
    "\x7f"
    "1axkwrx",
    "\x80"
    "1eym55h",
    "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",
    "pzry9x0s0muk",
    "1pzry9x0s0muk",
    "x1b4n0q5v",
    "li1dgmt3",
    "de1lg7wt\xff",
    "A1G7SGD8",
    "10a06t8",
    "1qzzfhee",
    /* BIP-350's invalid bech32m list */
    " 1xj0phk",
    "\x7f"
    "1g6xzxy",
    "\x80"
    "1vctc34",
    "an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4",
    "qyrz8wqd2c9m",
    "1qyrz8wqd2c9m",
    "y1b0jsk6g",
    "lt1igcx5c0",
    "in1muywd",
    "mm1crxm3i",
    "au1s5cgom",
    "M1VUXWEZ",
    "16plkw9",
    "1p2gdwpf",
};

static void test_bech32_checksums(void **state)
{
	(void)state;
	char hrp[84];
	uint8_t data[90];
	size_t n;
	for (size_t k = 0; k < sizeof valid_bech32 / sizeof *valid_bech32; k++) {
		const char *s = valid_bech32[k];
		assert_int_equal(idt__bech32_decode(s, strlen(s), hrp, data, &n), IDT__BECH32);
	}
	for (size_t k = 0; k < sizeof valid_bech32m / sizeof *valid_bech32m; k++) {
		const char *s = valid_bech32m[k];
		assert_int_equal(idt__bech32_decode(s, strlen(s), hrp, data, &n), IDT__BECH32M);
	}
	for (size_t k = 0; k < sizeof invalid_bech32 / sizeof *invalid_bech32; k++) {
		const char *s = invalid_bech32[k];
		int got = idt__bech32_decode(s, strlen(s), hrp, data, &n);
		/* BIP-350: an invalid bech32 string may be valid bech32m and vice versa */
		if (k < 12)
			assert_int_not_equal(got, IDT__BECH32);
		else
			assert_int_not_equal(got, IDT__BECH32M);
	}
}

typedef struct segwit_vec {
	const char *addr, *script; /* scriptPubKey: version opcode, push length, program */
} segwit_vec;

static const segwit_vec valid_segwit[] = {
    {"BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "0014751e76e8199196d454941c45d1b3a323f1433bd6"},
    {"tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
     "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262"},
    {"bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
     "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6"},
    {"BC1SW50QGDZ25J", "6002751e"},
    {"bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "5210751e76e8199196d454941c45d1b3a323"},
    {"tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy",
     "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"},
    {"tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c",
     "5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"},
    {"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
     "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"},
};

static const char *const invalid_segwit[] = {
    "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
    "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",
    "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
    "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",
    "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",
    "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",
    "bc1pw5dgrnzv",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",
    "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",
    "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",
    "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j",
    "bc1gmk9yu",
};

static void test_segwit_addresses(void **state)
{
	(void)state;
	int ver;
	uint8_t prog[40];
	size_t plen;
	char script[200];
	for (size_t k = 0; k < sizeof valid_segwit / sizeof *valid_segwit; k++) {
		const char *a = valid_segwit[k].addr;
		const char *hrp = (a[0] == 't') ? "tb" : "bc";
		assert_true(idt__segwit_decode(hrp, a, strlen(a), &ver, prog, &plen));
		int n = sprintf(script, "%02x%02x", ver ? ver + 0x50 : 0, (unsigned)plen);
		for (size_t i = 0; i < plen; i++) n += sprintf(script + n, "%02x", prog[i]);
		assert_string_equal(script, valid_segwit[k].script);
		/* mainnet ones are wallets, testnet ones are not */
		const char *chain = NULL;
		assert_int_equal(idt_wallet_valid(a, strlen(a), &chain), hrp[0] == 'b');
		if (hrp[0] == 'b') assert_string_equal(chain, "btc");
	}
	for (size_t k = 0; k < sizeof invalid_segwit / sizeof *invalid_segwit; k++) {
		const char *a = invalid_segwit[k];
		assert_false(idt__segwit_decode("bc", a, strlen(a), &ver, prog, &plen));
		assert_false(idt__segwit_decode("tb", a, strlen(a), &ver, prog, &plen));
		assert_int_equal(idt_wallet_valid(a, strlen(a), NULL), 0);
	}
}

typedef struct wallet_vec {
	const char *addr, *chain;
} wallet_vec;

static const wallet_vec wallets[] = {
    /* Bitcoin: the genesis coinbase address and the P2SH example of the Bitcoin wiki */
    {"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "btc"},
    {"3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "btc"},
    {"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "btc"},
    {"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "btc"},
    /* EIP-55 test cases: all caps, all lower, mixed */
    {"0x52908400098527886E0F7030069857D2E4169EE7", "eth"},
    {"0x8617E340B3D01FA5F11F306F4090FD50E238070D", "eth"},
    {"0xde709f2102306220921060314715629080e2fb77", "eth"},
    {"0x27b1fdb04752bbc536007a920d24acb045561c26", "eth"},
    {"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "eth"},
    {"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", "eth"},
    {"0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "eth"},
    {"0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb", "eth"},
    /* Monero general fund (getmonero.org) */
    {"44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQB"
     "EP3A",
     "xmr"},
    /* Monero: a primary address, two subaddresses and integrated addresses of published
     * wallet test vectors */
    {"49Xgwx3RfyV3ZMEVyrUNuUMzgQ1WHjkWL5T6Xk7QaTszggbtPbRPEkZQau9yACYEmUCHPNrU2MBdnJf4s4xLK5AyLDP5"
     "ucd",
     "xmr"},
    {"85cqdW5fHGvUQzGXzrRUHf6P6AJjJrYxa25v351wNJCrS3p1g8wL1gk35HjxyQGGJPY3SygtnFxKjHtVcA7rAM1JBHuk"
     "Qod",
     "xmr"},
    {"8AMPLCTDfj1d8KNrVV9ijDS6ES3b7d7w9fdZvQDec9ZDTNdNZTQFn6G4v56m1jV39J444Yk9PoYa1aCckko5Ld58P4jn"
     "roM",
     "xmr"},
    {"4KEMxkrvHF13ZMEVyrUNuUMzgQ1WHjkWL5T6Xk7QaTszggbtPbRPEkZQau9yACYEmUCHPNrU2MBdnJf4s4xLK5AyVTr6"
     "6Q8LFefPwwfA1t",
     "xmr"},
    {"4BUqMSeJfNQGudzEJNvzQ2LXh4tbUdW4YCM7mq55edxBT7t1297vwCMZSnJwGvEKEKbH8hGmhZZAGhdHbp2te6AA38ZM"
     "i4knaCKLprMPni",
     "xmr"},
    /* Tron: the USDT-TRC20 contract */
    {"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "trx"},
    /* Litecoin */
    {"LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9", "ltc"},
    {"LTpYZG19YmfvY2bBDYtCKpunVRw7nVgRHW", "ltc"},
    {"ltc1qg42tkwuuxefutzxezdkdel39gfstuap288mfea", "ltc"},
    /* constructed: the hash160 of the BIP-173 example key (751e76e8...) under each version
     * byte; 1BgGZ9... is that key's well-known P2PKH address */
    {"1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH", "btc"},
    {"3CNHUhP3uyB9EUtRLsmvFUmvGdjGdkTxJw", "btc"},
    {"LVuDpNCSSj6pQ7t9Pv6d6sUkLKoqDEVUnJ", "ltc"},
    {"MJaRnao1s62a2zAKSkmG582KbLKianqb7v", "ltc"},
    {"TLeUZDGLWnyiJVFcp3m3M1782uBsGWa8uf", "trx"},
};

static const char b58[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

static void test_wallets_valid(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof wallets / sizeof *wallets; k++) {
		const char *a = wallets[k].addr, *chain = NULL;
		if (idt_wallet_valid(a, strlen(a), &chain) != 1) fail_msg("%s should be valid", a);
		assert_string_equal(chain, wallets[k].chain);
	}
}

/* Every single-character substitution of a base58 or bech32 address fails its checksum; for
 * EIP-55 every single case flip does. */
static void test_wallets_corrupted(void **state)
{
	(void)state;
	char buf[128];
	for (size_t k = 0; k < sizeof wallets / sizeof *wallets; k++) {
		const char *a = wallets[k].addr, *chain = "unset";
		size_t n = strlen(a);
		bool eth = a[0] == '0', b32 = strchr(a, '1') && (a[0] == 'b' || a[0] == 'l');
		for (size_t i = eth ? 2 : 0; i < n; i++) {
			memcpy(buf, a, n + 1);
			if (eth) {
				char c = a[i];
				if (c >= 'a' && c <= 'f')
					buf[i] = (char)(c - 32);
				else if (c >= 'A' && c <= 'F')
					buf[i] = (char)(c + 32);
				else
					continue;
				bool single_case = true, lo = false, up = false;
				for (size_t j = 2; j < n; j++) {
					lo |= buf[j] >= 'a' && buf[j] <= 'f';
					up |= buf[j] >= 'A' && buf[j] <= 'F';
				}
				single_case = !(lo && up);
				if (single_case) continue; /* flipping made it all one case */
				if (idt_wallet_valid(buf, n, &chain)) fail_msg("%s accepted", buf);
				continue;
			}
			if (b32 && i < 4) continue; /* the HRP: changing it changes the chain */
			const char *alpha = b32 ? "qpzry9x8gf2tvdw0s3jn54khce6mua7l" : b58;
			for (size_t k = 0; k < strlen(alpha); k += 5) {
				const char *c = alpha + k;
				if (*c == a[i]) continue;
				buf[i] = *c;
				if (idt_wallet_valid(buf, n, &chain)) fail_msg("%s accepted", buf);
				assert_null(chain);
			}
		}
	}
	/* the brief's own examples of one changed character */
	assert_int_equal(idt_wallet_valid("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", 34, NULL), 0);
	assert_int_equal(idt_wallet_valid("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz", 34, NULL), 0);
	assert_int_equal(idt_wallet_valid("1A1zP1ePQGefi2DMPTifTL5SLmv7DivfNa", 34, NULL), 0);
	/* EIP-55: the published example with the last letter's case flipped */
	assert_int_equal(idt_wallet_valid("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", 42, NULL),
	                 0);
	assert_int_equal(idt_wallet_valid("0x02fcd51aAbB814FfFe17908fbc888A8975D839A5", 42, NULL),
	                 0);
}

static void test_wallets_other_invalid(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "",
	    "%%@",
	    "bd839e4f6fadb293ba580df5dea7814399989983",   /* a transaction id */
	    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe",  /* 39 hex */
	    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg", /* not hex */
	    "6xAff4d6793F584a473348EbA058deb8caad77a288",
	    "mzBc4XEFSdzCDcTxAgf6EZXgsZWpztRhef", /* testnet */
	    "2MxKEf2su6FGAUfCEAHreGFQvEYrfYNHvL7",
	    "DPpJVPpvPNP6i6tMj4rTycAGh8wReTqaSU", /* Dogecoin: not a chain we report */
	    "tltc1qu78xur5xnq6fjy83amy0qcjfau8m367defyhms",
	    /* Monero, one character changed */
	    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3"
	    "RVG"
	    "QBEP3B",
	    /* Tron, one character changed */
	    "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u",
	};
	for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
		const char *chain = "unset";
		if (idt_wallet_valid(bad[k], strlen(bad[k]), &chain))
			fail_msg("%s accepted", bad[k]);
		assert_null(chain);
	}
	assert_int_equal(idt_wallet_valid(NULL, 0, NULL), 0);
}

static void test_base58_decode(void **state)
{
	(void)state;
	uint8_t out[32];
	assert_int_equal(idt__base58_decode("1", 1, out, sizeof out), 1);
	assert_int_equal(out[0], 0);
	assert_int_equal(idt__base58_decode("2g", 2, out, sizeof out), 1);
	assert_int_equal(out[0], 0x61); /* "a" */
	assert_int_equal(idt__base58_decode("0", 1, out, sizeof out), 0);
	assert_int_equal(idt__base58_decode("l", 1, out, sizeof out), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bech32_checksums),      cmocka_unit_test(test_segwit_addresses),
	    cmocka_unit_test(test_wallets_valid),         cmocka_unit_test(test_wallets_corrupted),
	    cmocka_unit_test(test_wallets_other_invalid), cmocka_unit_test(test_base58_decode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
