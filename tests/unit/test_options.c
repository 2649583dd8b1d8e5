/*
 * The option table (src/common/options.c): its rows are complete, every
 * option parses and round-trips through conf_to_json, and the man pages and
 * the bash completion know every key and flag. The last checks read
 * man/opm.1, man/opm-apps.5 and completions/opm.bash from the repository
 * root (tests/run-all runs from there), or from OPM_SRCDIR when set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conf.h"
#include "json.h"
#include "options.h"

static void
test_rows(void **state)
{
	const struct options_entry	*o, *t;
	char				 w[80];
	size_t				 i, j;

	(void)state;
	assert_true(options_count >= 20);
	for (i = 0; i < options_count; i++) {
		o = &options_table[i];
		assert_non_null(o->key);
		if (o->alias_of == NULL || o->map_true != NULL) {
			if (o->help == NULL || *o->help == '\0')
				fail_msg("%s: no help", o->key);
		}
		if (o->alias_of != NULL) {
			t = options_target(o);
			if (t == o || t->alias_of != NULL)
				fail_msg("%s: alias of no option", o->key);
			/* A flag of an alias: PM2's --time. */
			if (o->exported)
				fail_msg("%s: an alias is not exported",
				    o->key);
		}
		if (o->map_true != NULL && (o->type != OPTIONS_BOOL ||
		    o->map_false == NULL || o->alias_of == NULL))
			fail_msg("%s: a mapped boolean alias needs both "
			    "values", o->key);
		/* --watch[=PATH]: a value only after '='. */
		if (o->flag != NULL && (o->type == OPTIONS_BOOL ||
		    o->type == OPTIONS_WATCH) != (o->arg == NULL))
			fail_msg("--%s: a value flag names its value, a "
			    "boolean one none", o->flag);
		if (o->type == OPTIONS_ENUM && o->choices == NULL)
			fail_msg("%s: enum without choices", o->key);
		if (o->prefix) {
			/* A pattern row: its key and one more character. */
			snprintf(w, sizeof w, "%sNAME", o->key);
			assert_ptr_equal(options_find(w), o);
			assert_null(options_find(o->key));
		} else
			assert_ptr_equal(options_find(o->key), o);
		if (o->flag != NULL)
			assert_ptr_equal(options_find_flag(o->flag,
			    strlen(o->flag)), o);
		for (j = 0; j < i; j++) {
			if (strcmp(options_table[j].key, o->key) == 0)
				fail_msg("%s: two rows", o->key);
		}
	}
	assert_null(options_find("bogus_key"));
	/* Exact keys win over the pattern env_NAME. */
	assert_string_equal(options_find("env_file")->key, "env_file");
	assert_true(options_find("env_production")->prefix);
	assert_null(options_find_flag("name", 3));
}

/* Every default parses (conf_defaults dies otherwise) and shows in help. */
static void
test_defaults(void **state)
{
	const struct options_entry	*o;
	struct app_conf			 c;
	size_t				 i;

	(void)state;
	conf_defaults(&c);
	for (i = 0; i < options_count; i++) {
		o = &options_table[i];
		if (o->default_value == NULL || o->flag == NULL ||
		    o->type == OPTIONS_BOOL)
			continue;
		if (strstr(o->help, o->default_value) == NULL)
			fail_msg("--%s: help '%s' does not show the default "
			    "%s", o->flag, o->help, o->default_value);
	}
	conf_free(&c);
}

/* A value of row o's type that is not its default; NULL: none needed. */
static cJSON *
sample(const struct options_entry *o)
{
	const char	*s;
	size_t		 n;

	switch (o->type) {
	case OPTIONS_NAME:
		return (cJSON_CreateString("sample"));
	case OPTIONS_PROGRAM:
		return (cJSON_CreateString("/bin/sample"));
	case OPTIONS_ARGV:
	case OPTIONS_ARGS:
		return (cJSON_Parse("[\"/bin/x\", \"a b\"]"));
	case OPTIONS_PATH:
		return (cJSON_CreateString("/sample/path"));
	case OPTIONS_STRING:
		return (cJSON_CreateString("sample"));
	case OPTIONS_ENV:
		return (cJSON_Parse("{\"K\": \"v\", \"N\": 1}"));
	case OPTIONS_BOOL:
		s = o->default_value != NULL ? o->default_value : "false";
		return (cJSON_CreateBool(strcmp(s, "true") != 0));
	case OPTIONS_ENUM:
		for (n = 0; o->choices[n] != NULL; n++)
			;
		return (cJSON_CreateString(o->choices[n - 1]));
	case OPTIONS_CODES:
		return (cJSON_Parse("[0, 255]"));
	case OPTIONS_UINT:
		return (cJSON_CreateNumber((double)o->maximum));
	case OPTIONS_DURATION:
	case OPTIONS_SIZE:
		return (cJSON_CreateNumber((double)o->minimum * 3 + 12345));
	case OPTIONS_SIGNAL:
		return (cJSON_CreateString("HUP"));
	case OPTIONS_ENVSET:
		return (cJSON_Parse("{\"K\": \"set\"}"));
	case OPTIONS_SETNAME:
		return (cJSON_CreateString("production"));
	case OPTIONS_LOGPATH:
		return (cJSON_CreateString("/sample/app.log"));
	case OPTIONS_DATEFMT:
		return (cJSON_CreateString("YYYY-MM-DD HH:mm:ss.SSS Z"));
	case OPTIONS_LISTEN:
		return (cJSON_Parse("[\"tcp://127.0.0.1:0\", "
		    "\"web=unix:/run/x.sock\"]"));
	case OPTIONS_DEPS:
		return (cJSON_Parse("[\"db\", {\"app\": \"cache\", "
		    "\"condition\": \"ready\"}]"));
	case OPTIONS_INSTANCES:
		return (cJSON_CreateNumber(3));
	case OPTIONS_VARNAME:
		return (cJSON_CreateString("PORT"));
	case OPTIONS_READY:
		return (cJSON_CreateString("http://127.0.0.1:8080/health"));
	case OPTIONS_IDENT:
		return (cJSON_CreateString("nobody"));
	case OPTIONS_LIMITS:
		return (cJSON_Parse("{\"nofile\": 4096, \"core\": "
		    "\"0:unlimited\", \"stack\": \"8M\"}"));
	case OPTIONS_CGROUP:
		if (strcmp(o->key, "cpu_max") == 0)
			return (cJSON_CreateString("150%"));
		return (cJSON_CreateString(strcmp(o->key, "memory_max") == 0 ?
		    "512M" : "64"));
	case OPTIONS_LOGTARGET:
		return (cJSON_Parse("[\"file\", \"journal\"]"));
	case OPTIONS_HOOKS:
		return (cJSON_Parse("{\"crash\": \"echo $OPM_APP\", "
		    "\"ready\": \"true\"}"));
	case OPTIONS_CRON:
		return (cJSON_CreateString("*/5 * * * * *"));
	case OPTIONS_TZ:
		return (cJSON_CreateString("Europe/Berlin"));
	case OPTIONS_WATCH:
		return (cJSON_Parse("[\"src\", \"/etc/app.conf\"]"));
	case OPTIONS_GLOBS:
		return (cJSON_Parse("[\"*.log\", \"tmp\"]"));
	case OPTIONS_HEALTH:
		return (cJSON_Parse("{\"tcp\": 8080, \"retries\": 5}"));
	}
	fail_msg("%s: no sample for type %d", o->key, (int)o->type);
	return (NULL);
}

static char *
export(const cJSON *app)
{
	struct app_conf	 c;
	char		 cause[256], *s;
	cJSON		*j;

	conf_defaults(&c);
	if (conf_from_json(&c, app, cause, sizeof cause) == -1) {
		s = cJSON_PrintUnformatted(app);
		fail_msg("%s: %s", s, cause);
	}
	j = conf_to_json(&c);
	s = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	conf_free(&c);
	return (s);
}

/*
 * Every key, aliases included, is read: its value changes the export; and
 * the export reads back to itself.
 */
static void
test_roundtrip_every_option(void **state)
{
	const struct options_entry	*o, *t;
	cJSON				*base, *app, *back;
	char				*s0, *s1, *s2;
	size_t				 i;

	(void)state;
	base = cJSON_Parse("{\"argv\": [\"/bin/x\"]}");
	s0 = export(base);
	for (i = 0; i < options_count; i++) {
		o = &options_table[i];
		t = options_target(o);
		if (options_pm2_only(o))
			continue;	/* test_pm2_only */
		if (t->type == OPTIONS_PROGRAM || t->type == OPTIONS_ARGV)
			app = cJSON_CreateObject();
		else if (t->type == OPTIONS_ARGS ||
		    strcmp(t->key, "interpreter") == 0)
			app = cJSON_Parse("{\"script\": \"/bin/x\"}");
		else if (strcmp(t->key, "watchdog_sec") == 0)
			app = cJSON_Parse("{\"argv\": [\"/bin/x\"], "
			    "\"ready\": \"notify\"}");
		else if (strcmp(t->key, "cron_mode") == 0 ||
		    strcmp(t->key, "cron_tz") == 0)
			app = cJSON_Parse("{\"argv\": [\"/bin/x\"], "
			    "\"cron_restart\": \"@daily\"}");
		else if (strcmp(t->key, "exec_mode") == 0)
			app = cJSON_Parse("{\"argv\": [\"/bin/x\"], "
			    "\"listen\": \"tcp://127.0.0.1:0\"}");
		else
			app = cJSON_Duplicate(base, 1);
		cJSON_AddItemToObject(app, o->prefix ? "env_sample" : o->key,
		    o->map_true != NULL ?
		    cJSON_CreateBool(strcmp(t->default_value, o->map_true) !=
		    0) : sample(t));
		s1 = export(app);
		if (strcmp(s0, s1) == 0)
			fail_msg("%s: no effect on %s", o->key, s1);
		back = cJSON_Parse(s1);
		s2 = export(back);
		assert_string_equal(s1, s2);
		cJSON_Delete(back);
		cJSON_Delete(app);
		cJSON_free(s1);
		cJSON_free(s2);
	}
	cJSON_Delete(base);
	cJSON_free(s0);
}

/*
 * PM2's keys without an option: each accepted value changes nothing, any
 * other is refused with PM2's message naming the key, and a key of a later
 * issue says "not supported yet".
 */
static void
test_pm2_only(void **state)
{
	const struct options_entry	*o;
	struct app_conf			 c;
	cJSON				*app, *base;
	char				 cause[1024], want[128];
	char				*s0, *s1, *copy, *w, *save;
	size_t				 i, n = 0;

	(void)state;
	base = cJSON_Parse("{\"argv\": [\"/bin/x\"]}");
	s0 = export(base);
	for (i = 0; i < options_count; i++) {
		o = &options_table[i];
		if (!options_pm2_only(o))
			continue;
		n++;
		if (o->help == NULL || o->alias_of != NULL || o->flag != NULL ||
		    o->exported)
			fail_msg("%s: a PM2 key without option has a hint "
			    "and nothing else", o->key);
		if (o->pm2_accept != NULL && strcmp(o->pm2_accept, "*") != 0) {
			copy = strdup(o->pm2_accept);
			for (w = strtok_r(copy, " ", &save); w != NULL;
			    w = strtok_r(NULL, " ", &save)) {
				app = cJSON_Duplicate(base, 1);
				cJSON_AddItemToObject(app, o->key,
				    cJSON_Parse(w));
				s1 = export(app);
				assert_string_equal(s0, s1);
				cJSON_free(s1);
				cJSON_Delete(app);
			}
			free(copy);
		}
		if (o->pm2_accept != NULL && strcmp(o->pm2_accept, "*") == 0)
			continue;
		app = cJSON_Duplicate(base, 1);
		cJSON_AddItemToObject(app, o->key,
		    cJSON_CreateString("an unlikely value"));
		conf_defaults(&c);
		assert_int_equal(conf_from_json(&c, app, cause, sizeof cause),
		    -1);
		snprintf(want, sizeof want, "PM2's %s is not supported%s",
		    o->key, o->pm2 == OPTIONS_PM2_LATER ? " yet" : "");
		if (strncmp(cause, want, strlen(want)) != 0)
			fail_msg("%s: '%s', not '%s...'", o->key, cause, want);
		conf_free(&c);
		cJSON_Delete(app);
	}
	/* Rows leave as later issues give PM2's keys their meaning. */
	assert_true(n >= 30);
	cJSON_Delete(base);
	cJSON_free(s0);
}

/* The lines of a repository file, NULL-terminated; fails when missing. */
static char **
lines_of(const char *name)
{
	const char	*dir = getenv("OPM_SRCDIR");
	char		 path[1024], buf[4096], **v = NULL;
	size_t		 n = 0;
	FILE		*f;

	snprintf(path, sizeof path, "%s/%s", dir != NULL ? dir : ".", name);
	if ((f = fopen(path, "r")) == NULL)
		fail_msg("%s: cannot open (run from the repository root, or "
		    "set OPM_SRCDIR)", path);
	while (fgets(buf, sizeof buf, f) != NULL) {
		buf[strcspn(buf, "\n")] = '\0';
		v = realloc(v, (n + 2) * sizeof *v);
		assert_non_null(v);
		v[n++] = strdup(buf);
		v[n] = NULL;
	}
	fclose(f);
	assert_non_null(v);
	return (v);
}

static void
free_lines(char **v)
{
	size_t	i;

	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* The index of the line that is exactly s, at or after from; fails if none. */
static size_t
line_index(char **v, size_t from, const char *s, const char *file)
{
	size_t	i;

	for (i = from; v[i] != NULL; i++) {
		if (strcmp(v[i], s) == 0)
			return (i);
	}
	fail_msg("%s: no line '%s'", file, s);
	return (0);
}

/*
 * Whether word w is one of the words after macro m (".It Ic", ".Ic",
 * ".It Fl") on lines [from, to) of v. "Pq" ends the words of a line.
 */
static bool
has_word(char **v, size_t from, size_t to, const char *m, const char *w)
{
	char	*copy, *tok, *save;
	bool	 found = false;
	size_t	 i;

	for (i = from; i < to && !found; i++) {
		if (strncmp(v[i], m, strlen(m)) != 0 || v[i][strlen(m)] != ' ')
			continue;
		copy = strdup(v[i] + strlen(m));
		for (tok = strtok_r(copy, " ", &save); tok != NULL;
		    tok = strtok_r(NULL, " ", &save)) {
			/* Where the value begins (--watch Ns Op = PATH). */
			if (strcmp(tok, "Pq") == 0 || strcmp(tok, "Ar") == 0 ||
			    strcmp(tok, "Ta") == 0 || strcmp(tok, "Ns") == 0)
				break;
			if (strcmp(tok, w) == 0)
				found = true;
		}
		free(copy);
	}
	return (found);
}

/* Every word after macro m on lines [from, to) is a key (or "-flag"). */
static void
words_known(char **v, size_t from, size_t to, const char *m, bool flags,
    const char *file)
{
	char		*copy, *tok, *save;
	size_t		 i;
	const char	*w;

	for (i = from; i < to; i++) {
		if (strncmp(v[i], m, strlen(m)) != 0 || v[i][strlen(m)] != ' ')
			continue;
		copy = strdup(v[i] + strlen(m));
		for (tok = strtok_r(copy, " ", &save); tok != NULL;
		    tok = strtok_r(NULL, " ", &save)) {
			/* Where the value begins (--watch Ns Op = PATH). */
			if (strcmp(tok, "Pq") == 0 || strcmp(tok, "Ar") == 0 ||
			    strcmp(tok, "Ta") == 0 || strcmp(tok, "Ns") == 0)
				break;
			if (strcmp(tok, ",") == 0 || strcmp(tok, ".") == 0)
				continue;	/* mdoc punctuation */
			w = flags && *tok == '-' ? tok + 1 : tok;
			if (flags ? options_find_flag(w, strlen(w)) == NULL :
			    options_find(w) == NULL)
				fail_msg("%s:%zu: '%s' is not in the option "
				    "table", file, i + 1, tok);
		}
		free(copy);
	}
}

/*
 * opm-apps(5) describes every key, and lists every PM2 key as such (in
 * text, .Ic, or in a table, .It Ic KEY Ta VALUES).
 */
static void
test_man_apps(void **state)
{
	const char			*f = "man/opm-apps.5";
	const struct options_entry	*o;
	char				**v = lines_of(f), k[80];
	size_t				 keys, pm2, end, other, i;

	(void)state;
	keys = line_index(v, 0, ".Ss Keys", f);
	pm2 = line_index(v, keys, ".Ss PM2 keys", f);
	other = line_index(v, pm2, "Other PM2 keys", f);
	for (end = pm2 + 1; v[end] != NULL && strncmp(v[end], ".Ss ", 4); end++)
		;
	for (i = 0; i < options_count; i++) {
		o = &options_table[i];
		/* PM2's keys without an option are in the PM2 table only. */
		/* A pattern row is written env_NAME. */
		snprintf(k, sizeof k, "%s%s", o->key, o->prefix ? "NAME" : "");
		if (!options_pm2_only(o) &&
		    !has_word(v, keys, pm2, ".It Ic", k))
			fail_msg("%s: no '.It Ic %s' under Keys", f, k);
		if (o->pm2 != OPTIONS_PM2_NONE &&
		    !has_word(v, pm2, other, ".Ic", k) &&
		    !has_word(v, pm2, other, ".It Ic", k))
			fail_msg("%s: PM2 keys does not list %s", f, k);
		if (o->pm2 == OPTIONS_PM2_NONE &&
		    (has_word(v, pm2, end, ".Ic", k) ||
		    has_word(v, pm2, end, ".It Ic", k)))
			fail_msg("%s: PM2 keys lists %s, not a PM2 key in the "
			    "table", f, k);
	}
	words_known(v, keys, pm2, ".It Ic", false, f);
	words_known(v, pm2, other, ".Ic", false, f);
	words_known(v, pm2, other, ".It Ic", false, f);
	free_lines(v);
}

/* opm(1) describes every start flag, and no other. */
static void
test_man_opm(void **state)
{
	const char			*f = "man/opm.1";
	const struct options_entry	*o;
	char				**v = lines_of(f), w[64];
	size_t				 start, end, i;

	(void)state;
	start = line_index(v, 0, ".Ss Start options", f);
	for (end = start + 1; v[end] != NULL && strncmp(v[end], ".Ss ", 4);
	    end++)
		;
	for (i = 0; i < options_count; i++) {
		o = &options_table[i];
		if (o->flag == NULL)
			continue;
		snprintf(w, sizeof w, "-%s", o->flag);
		if (!has_word(v, start, end, ".It Fl", w))
			fail_msg("%s: no '.It Fl -%s' under Start options", f,
			    o->flag);
	}
	words_known(v, start, end, ".It Fl", true, f);
	free_lines(v);
}

/* Whether w is one of the white-space separated words of list. */
static bool
in_words(const char *list, const char *w)
{
	char	*copy = strdup(list), *tok, *save;
	bool	 found = false;

	for (tok = strtok_r(copy, " \t\n", &save); tok != NULL && !found;
	    tok = strtok_r(NULL, " \t\n", &save))
		found = strcmp(tok, w) == 0;
	free(copy);
	return (found);
}

/*
 * The bash completion offers every start flag and no other, completes
 * nothing after a flag that takes a value unless it knows the values, and
 * knows the choices of every enum.
 */
static void
test_completion(void **state)
{
	const char			*f = "completions/opm.bash";
	const struct options_entry	*o;
	char				**v = lines_of(f), *all, *p, w[80];
	char				*opts, *copy, *tok, *save;
	size_t				 len = 1, i, n;

	(void)state;
	for (i = 0; v[i] != NULL; i++)
		len += strlen(v[i]) + 1;
	all = calloc(1, len);
	assert_non_null(all);
	for (i = 0; v[i] != NULL; i++) {
		strcat(all, v[i]);
		strcat(all, "\n");
	}
	if ((p = strstr(all, "local start_opts=\"")) == NULL)
		fail_msg("%s: no start_opts", f);
	p += strlen("local start_opts=\"");
	opts = strndup(p, strcspn(p, "\""));
	copy = strdup(opts);
	for (tok = strtok_r(copy, " \t\n", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t\n", &save)) {
		/* A one-letter flag, -i, is a start flag too. */
		if (tok[0] == '-' && tok[1] != '-' && tok[1] != '\0' &&
		    tok[2] == '\0' && options_find_short(tok[1]) != NULL)
			continue;
		if (strncmp(tok, "--", 2) != 0 ||
		    options_find_flag(tok + 2, strlen(tok + 2)) == NULL)
			fail_msg("%s: start_opts has %s, not a start flag", f,
			    tok);
	}
	free(copy);
	for (i = 0; i < options_count; i++) {
		o = &options_table[i];
		if (o->flag == NULL)
			continue;
		snprintf(w, sizeof w, "--%s", o->flag);
		if (!in_words(opts, w))
			fail_msg("%s: start_opts lacks %s", f, w);
		snprintf(w, sizeof w, "-%c", o->short_flag);
		if (o->short_flag != '\0' && !in_words(opts, w))
			fail_msg("%s: start_opts lacks %s", f, w);
		if (o->arg == NULL)
			continue;
		/* A case pattern: --flag) or --flag| or |--flag. */
		snprintf(w, sizeof w, "--%s)", o->flag);
		if (strstr(all, w) != NULL)
			continue;
		snprintf(w, sizeof w, "--%s|", o->flag);
		if (strstr(all, w) == NULL)
			fail_msg("%s: no case for the value of --%s", f,
			    o->flag);
	}
	for (i = 0; i < options_count; i++) {
		o = &options_table[i];
		if (o->type != OPTIONS_ENUM || o->flag == NULL)
			continue;
		w[0] = '\0';
		for (n = 0; o->choices[n] != NULL; n++) {
			strlcat(w, n > 0 ? " " : "\"", sizeof w);
			strlcat(w, o->choices[n], sizeof w);
		}
		strlcat(w, "\"", sizeof w);
		if (strstr(all, w) == NULL)
			fail_msg("%s: no completion of %s for --%s", f, w,
			    o->flag);
	}
	free(opts);
	free(all);
	free_lines(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_roundtrip_every_option),
		cmocka_unit_test(test_pm2_only),
		cmocka_unit_test(test_man_apps),
		cmocka_unit_test(test_man_opm),
		cmocka_unit_test(test_completion),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
