/*
 * store_fixture.h: the store that a test of both engines runs each test
 * on (test_seal.c, test_store_fork.c): S, a fresh SQLite file in a
 * temporary directory (setup_sqlite) or a fresh database on
 * JARVIS_TEST_MONGO_URI (setup_mongo), removed again by teardown; users
 * with a data key of their own; and the suite that runs a file's tests on
 * both engines. Included by one test file each.
 */
#ifndef JARVIS_STORE_FIXTURE_H
#define JARVIS_STORE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jarvis/store.h"
#include "jarvis/util.h"
#include "jarvis/vault.h"
#include "unit.h"

/* The cheapest key derivation the vault takes: the tests make many users. */
static const struct vault_cost cheap = {1, 8192};

/* The store's URI, its MongoDB database (NULL: SQLite), the SQLite file and its directory. */
static char *URI, *DB, *DIR_, *PATH_;
static struct store *S;

static inline void setup_sqlite(void)
{
	char tmpl[] = "/tmp/jarvis-unit-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	DIR_ = xstrdup(tmpl);
	PATH_ = xasprintf("%s/jarvis.db", DIR_);
	URI = xasprintf("sqlite:%s", PATH_);
	DB = NULL;
	char *cause = NULL;
	S = store_open(URI, NULL, NULL, &cause);
	ck_assert_msg(S != NULL, "%s", cause);
}

static inline void setup_mongo(void)
{
	URI = xstrdup(getenv("JARVIS_TEST_MONGO_URI"));
	DB = xasprintf("jarvis_unit_%d_%lld", (int)getpid(), now_ms() % 100000000);
	DIR_ = PATH_ = NULL;
	char *cause = NULL;
	S = store_open(URI, DB, NULL, &cause);
	ck_assert_msg(S != NULL, "%s", cause);
}

static inline void teardown(void)
{
	if (DB != NULL)
		store_destroy(S, NULL);
	store_close(S);
	if (PATH_ != NULL) {
		char *cmd = xasprintf("rm -rf '%s'", DIR_);
		ck_assert_int_eq(system(cmd), 0);
		free(cmd);
	}
	free(URI), free(DB), free(DIR_), free(PATH_);
}

/* A user with a data key of their own, given to st: everything st stores for them is sealed. */
static inline char *user_with_key(struct store *st, const char *email, struct vault **key)
{
	char *env = NULL, *auth = NULL, *code = NULL, *cause = NULL, *id = NULL;
	ck_assert_int_eq(vault_create("password1", &cheap, key, &env, &auth, &code, &cause), 0);
	ck_assert_int_eq(store_user_create_vault(st, "U", email, "$2b$04$x", env, &id, &cause), 0);
	store_set_vault(st, id, *key);
	free(env), secret_free(auth), secret_free(code);
	return id;
}

START_TEST(mongodb_required_in_ci)
{
	ck_abort_msg("CI=true but JARVIS_TEST_MONGO_URI is unset: run the tests under "
	             "`python3 tests/ferretdb.py run -- make unit`");
}
END_TEST

/*
 * Suite name: the tests add_tests adds, on SQLite and, with
 * JARVIS_TEST_MONGO_URI set, on MongoDB. Without it those are skipped,
 * but under CI=true a test fails that says so. *sqlite (when not NULL)
 * gets the SQLite case, for tests of that engine alone.
 */
static inline Suite *store_fixture_suite(const char *name, void (*add_tests)(TCase *tc),
                                         TCase **sqlite)
{
	Suite *s = suite_create(name);
	TCase *tc = tcase_create("sqlite");
	tcase_add_checked_fixture(tc, setup_sqlite, teardown);
	add_tests(tc);
	suite_add_tcase(s, tc);
	if (sqlite != NULL)
		*sqlite = tc;
	const char *uri = getenv("JARVIS_TEST_MONGO_URI");
	if (uri != NULL && *uri != '\0') {
		tc = tcase_create("mongodb");
		tcase_add_checked_fixture(tc, setup_mongo, teardown);
		add_tests(tc);
		suite_add_tcase(s, tc);
		return s;
	}
	fprintf(stderr, "%s: MONGODB TESTS SKIPPED (JARVIS_TEST_MONGO_URI unset)\n", name);
	const char *ci = getenv("CI");
	if (ci != NULL && strcmp(ci, "true") == 0) {
		tc = tcase_create("mongodb");
		tcase_add_test(tc, mongodb_required_in_ci);
		suite_add_tcase(s, tc);
	}
	return s;
}

#endif
