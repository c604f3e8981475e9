/* Tests for generator/template.c: the Mustache spec's rules (interpolation,
 * sections, inverted sections, comments, partials, set delimiters), compile
 * errors with their positions, loading a folder, and rendering from threads. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "template.h"
#include "unit.h"

/* Renders tmpl against the JSON text data, with partials given as a
 * NULL-terminated list of name, source pairs.  Returns the output, or
 * "ERROR: message" for a render error, or "COMPILE ERROR" (caller frees). */
static char *render_p(const char *tmpl, const char *data,
		      const char *const *partials)
{
	struct tmpl_set *s = tmpl_set_new();
	struct diag *d = diag_new();
	struct buf out = BUF_INIT;
	json_error_t jerr;
	json_t *ctx = json_loads(data, JSON_DECODE_ANY, &jerr);
	char *err = NULL, *res;

	if (!ctx) {
		res = xasprintf("BAD TEST JSON: %s", jerr.text);
		goto done;
	}
	int bad = tmpl_set_add(s, "main", tmpl, strlen(tmpl), "main.mustache",
			       d) < 0;
	for (size_t i = 0; partials && partials[i]; i += 2)
		bad |= tmpl_set_add(s, partials[i], partials[i + 1],
				    strlen(partials[i + 1]), partials[i], d) < 0;
	if (bad) {
		res = xstrdup("COMPILE ERROR");
		goto done;
	}
	if (tmpl_render(s, "main", ctx, &out, &err) < 0) {
		res = xasprintf("ERROR: %s", err ? err : "(no message)");
		free(err);
		goto done;
	}
	res = buf_detach(&out);
done:
	buf_free(&out);
	json_decref(ctx);
	diag_free(d);
	tmpl_set_free(s);
	return res;
}

static char *render(const char *tmpl, const char *data)
{
	return render_p(tmpl, data, NULL);
}

#define EXPECT(tmpl, data, want)                                             \
	do {                                                                 \
		char *got_ = render(tmpl, data);                             \
		CHECK_STR(got_, want);                                       \
		free(got_);                                                  \
	} while (0)

#define EXPECT_P(tmpl, data, partials, want)                                 \
	do {                                                                 \
		char *got_ = render_p(tmpl, data, partials);                 \
		CHECK_STR(got_, want);                                       \
		free(got_);                                                  \
	} while (0)

/* Compiles src as "t.mustache" and returns every diagnostic formatted
 * (caller frees); *rc gets tmpl_set_add's result. */
static char *diagnostics(const char *src, int *rc)
{
	struct tmpl_set *s = tmpl_set_new();
	struct diag *d = diag_new();
	struct buf out = BUF_INIT;

	*rc = tmpl_set_add(s, "t", src, strlen(src), "t.mustache", d);
	diag_format(d, &out);
	diag_free(d);
	tmpl_set_free(s);
	return buf_detach(&out);
}

#define EXPECT_DIAG(src, want)                                               \
	do {                                                                 \
		int rc_;                                                     \
		char *got_ = diagnostics(src, &rc_);                         \
		CHECK(rc_ == -1);                                            \
		CHECK_STR(got_, want);                                       \
		free(got_);                                                  \
	} while (0)

/* ---- interpolation ---- */

static void text_without_tags_renders_unchanged(void)
{
	EXPECT("Hello from {Mustache}!\n", "{}", "Hello from {Mustache}!\n");
	EXPECT("", "{}", "");
}

static void variable_is_replaced_by_its_value(void)
{
	EXPECT("Hello, {{subject}}!\n", "{\"subject\":\"world\"}",
	       "Hello, world!\n");
}

static void variable_is_html_escaped(void)
{
	EXPECT("{{forbidden}}", "{\"forbidden\":\"& \\\" < > '\"}",
	       "&amp; &quot; &lt; &gt; &#39;");
}

static void triple_mustache_and_ampersand_are_not_escaped(void)
{
	const char *data = "{\"forbidden\":\"& \\\" < >\"}";
	EXPECT("{{{forbidden}}}", data, "& \" < >");
	EXPECT("{{&forbidden}}", data, "& \" < >");
}

static void integers_print_as_integers(void)
{
	EXPECT("\"{{mph}} miles an hour!\"", "{\"mph\":85}",
	       "\"85 miles an hour!\"");
	EXPECT("{{{a}}} {{&b}}", "{\"a\":-7,\"b\":9007199254740993}",
	       "-7 9007199254740993");
}

static void reals_print_with_proper_significance(void)
{
	EXPECT("{{power}} jiggawatts", "{\"power\":1.210}", "1.21 jiggawatts");
	EXPECT("{{a}}|{{b}}|{{c}}|{{d}}", "{\"a\":2.0,\"b\":0.1,\"c\":-0.5,"
	       "\"d\":1e300}", "2|0.1|-0.5|1e+300");
}

static void missing_names_render_as_empty_string(void)
{
	EXPECT("I ({{cannot}}) ({{{cannot}}}) ({{&cannot}}) be seen!", "{}",
	       "I () () () be seen!");
}

static void null_renders_empty_and_booleans_as_words(void)
{
	EXPECT("[{{n}}][{{t}}][{{f}}]", "{\"n\":null,\"t\":true,\"f\":false}",
	       "[][true][false]");
}

static void objects_and_arrays_interpolate_as_json(void)
{
	EXPECT("{{{o}}} {{a}}", "{\"o\":{\"k\":1},\"a\":[1,\"x\"]}",
	       "{\"k\":1} [1,&quot;x&quot;]");
}

static void dotted_names_reach_into_nested_objects(void)
{
	EXPECT("\"{{person.name}}\" == \"{{#person}}{{name}}{{/person}}\"",
	       "{\"person\":{\"name\":\"Joe\"}}", "\"Joe\" == \"Joe\"");
	EXPECT("{{a.b.c.d.e.name}}",
	       "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"name\":\"Phil\"}}}}}}",
	       "Phil");
	EXPECT("{{{p.n}}}{{&p.n}}", "{\"p\":{\"n\":\"<b>\"}}", "<b><b>");
}

static void dotted_name_with_broken_chain_renders_empty(void)
{
	EXPECT("\"{{a.b.c}}\"", "{\"a\":{}}", "\"\"");
	EXPECT("\"{{a.b.c}}\"", "{\"a\":\"string\"}", "\"\"");
}

static void dotted_name_parts_after_the_first_resolve_only_inside_it(void)
{
	EXPECT("\"{{a.b.c.name}}\"",
	       "{\"a\":{\"b\":{}},\"c\":{\"name\":\"Jim\"}}", "\"\"");
	EXPECT("{{#a}}{{b.c}}{{/a}}",
	       "{\"a\":{\"b\":{}},\"b\":{\"c\":\"ERROR\"}}", "");
}

static void dotted_name_first_part_resolves_up_the_context_stack(void)
{
	EXPECT("{{#a}}{{b.c.name}}{{/a}}",
	       "{\"a\":{\"b\":{\"c\":{\"name\":\"Phil\"}}},"
	       "\"b\":{\"c\":{\"name\":\"Wrong\"}}}", "Phil");
	EXPECT("{{#x}}{{person.name}}{{/x}}",
	       "{\"x\":{\"y\":1},\"person\":{\"name\":\"Outer\"}}", "Outer");
}

static void dotted_names_are_never_single_keys(void)
{
	EXPECT("[{{a.b}}]", "{\"a.b\":\"c\"}", "[]");
	EXPECT("[{{a.b}}]", "{\"a.b\":\"c\",\"a\":{\"b\":\"d\"}}", "[d]");
}

static void leading_dot_resolves_inside_the_current_context_only(void)
{
	EXPECT("{{#a}}{{.name}}{{/a}}{{#b}}{{.name}}{{/b}}",
	       "{\"a\":{},\"b\":{\"name\":\"Name\"},\"name\":\"Fail\"}",
	       "Name");
}

static void implicit_iterator_prints_the_current_context(void)
{
	EXPECT("Hello, {{.}}!", "\"world\"", "Hello, world!");
	EXPECT("{{.}}|{{{.}}}", "\"<&>\"", "&lt;&amp;&gt;|<&>");
	EXPECT("{{.}}", "85", "85");
}

static void padding_inside_tags_is_ignored(void)
{
	const char *data = "{\"string\":\"---\"}";
	EXPECT("|{{ string }}|{{{ string }}}|{{& string }}|", data,
	       "|---|---|---|");
}

static void interpolation_tags_are_never_standalone(void)
{
	const char *data = "{\"string\":\"---\"}";
	EXPECT("  {{string}}\n", data, "  ---\n");
	EXPECT("  {{{string}}}\n", data, "  ---\n");
	EXPECT("  {{&string}}\n", data, "  ---\n");
	EXPECT("| {{string}} |", data, "| --- |");
}

/* ---- sections ---- */

static void truthy_section_renders_and_false_section_does_not(void)
{
	EXPECT("\"{{#b}}This should be rendered.{{/b}}\"", "{\"b\":true}",
	       "\"This should be rendered.\"");
	EXPECT("\"{{#b}}This should not be rendered.{{/b}}\"", "{\"b\":false}",
	       "\"\"");
}

static void null_missing_empty_list_and_empty_string_are_falsy(void)
{
	const char *data = "{\"n\":null,\"l\":[],\"s\":\"\"}";
	EXPECT("[{{#n}}N{{/n}}{{#l}}L{{/l}}{{#s}}S{{/s}}{{#missing}}M{{/missing}}]",
	       data, "[]");
	EXPECT("[{{^n}}N{{/n}}{{^l}}L{{/l}}{{^s}}S{{/s}}{{^missing}}M{{/missing}}]",
	       data, "[NLSM]");
}

static void non_empty_strings_and_zero_are_truthy(void)
{
	EXPECT("{{#section}}foo{{/section}}", "{\"section\":\"123\"}", "foo");
	EXPECT("{{#z}}zero{{/z}}", "{\"z\":0}", "zero");
}

static void object_section_pushes_the_object(void)
{
	EXPECT("\"{{#context}}Hi {{name}}.{{/context}}\"",
	       "{\"context\":{\"name\":\"Joe\"}}", "\"Hi Joe.\"");
}

static void section_over_array_renders_once_per_element(void)
{
	EXPECT("\"{{#list}}{{item}}{{/list}}\"",
	       "{\"list\":[{\"item\":1},{\"item\":2},{\"item\":3}]}",
	       "\"123\"");
}

static void implicit_iterator_walks_scalars_in_a_list(void)
{
	EXPECT("{{#list}}({{.}}){{/list}}", "{\"list\":[\"a\",\"b\",\"c\"]}",
	       "(a)(b)(c)");
	EXPECT("{{#list}}({{.}}){{/list}}", "{\"list\":[1,2,3]}", "(1)(2)(3)");
	EXPECT("{{#list}}({{.}}){{/list}}", "{\"list\":[1.10,2.20,5.50]}",
	       "(1.1)(2.2)(5.5)");
	EXPECT("{{#list}}({{.}}){{/list}}",
	       "{\"list\":[\"&\",\"\\\"\",\"<\",\">\"]}",
	       "(&amp;)(&quot;)(&lt;)(&gt;)");
}

static void implicit_iterator_section_walks_nested_arrays(void)
{
	EXPECT("\"{{#list}}({{#.}}{{.}}{{/.}}){{/list}}\"",
	       "{\"list\":[[1,2,3],[\"a\",\"b\",\"c\"]]}", "\"(123)(abc)\"");
}

static void root_level_array_is_iterated_by_dot_section(void)
{
	EXPECT("{{#.}}({{value}}){{/.}}",
	       "[{\"value\":\"a\"},{\"value\":\"b\"}]", "(a)(b)");
}

static void truthy_scalar_section_shows_its_value_as_dot(void)
{
	EXPECT("\"{{#foo}}{{.}} is {{foo}}{{/foo}}\"", "{\"foo\":\"bar\"}",
	       "\"bar is bar\"");
	EXPECT("{{#flag}}{{name}}{{/flag}}", "{\"flag\":true,\"name\":\"n\"}",
	       "n");
}

static void names_missing_in_a_section_are_looked_up_the_stack(void)
{
	EXPECT("\"{{#sec}}{{a}}, {{b}}, {{c.d}}{{/sec}}\"",
	       "{\"a\":\"foo\",\"b\":\"wrong\",\"sec\":{\"b\":\"bar\"},"
	       "\"c\":{\"d\":\"baz\"}}", "\"foo, bar, baz\"");
	EXPECT("{{#tops}}{{#middles}}{{tname.lower}}{{mname}}.{{#bottoms}}"
	       "{{tname.upper}}{{mname}}{{bname}}.{{/bottoms}}{{/middles}}"
	       "{{/tops}}",
	       "{\"tops\":[{\"tname\":{\"upper\":\"A\",\"lower\":\"a\"},"
	       "\"middles\":[{\"mname\":\"1\",\"bottoms\":[{\"bname\":\"x\"},"
	       "{\"bname\":\"y\"}]}]}]}", "a1.A1x.A1y.");
}

static void deeply_nested_contexts_all_stay_visible(void)
{
	EXPECT("{{#a}}\n{{one}}\n{{#b}}\n{{one}}{{two}}{{one}}\n{{#c}}\n"
	       "{{one}}{{two}}{{three}}{{two}}{{one}}\n{{#d}}\n"
	       "{{one}}{{two}}{{three}}{{four}}{{three}}{{two}}{{one}}\n"
	       "{{#five}}\n"
	       "{{one}}{{two}}{{three}}{{four}}{{five}}{{four}}{{three}}{{two}}"
	       "{{one}}\n"
	       "{{one}}{{two}}{{three}}{{four}}{{.}}6{{.}}{{four}}{{three}}"
	       "{{two}}{{one}}\n"
	       "{{/five}}\n"
	       "{{one}}{{two}}{{three}}{{four}}{{three}}{{two}}{{one}}\n"
	       "{{/d}}\n{{one}}{{two}}{{three}}{{two}}{{one}}\n{{/c}}\n"
	       "{{one}}{{two}}{{one}}\n{{/b}}\n{{one}}\n{{/a}}\n",
	       "{\"a\":{\"one\":1},\"b\":{\"two\":2},\"c\":{\"three\":3,"
	       "\"d\":{\"four\":4,\"five\":5}}}",
	       "1\n121\n12321\n1234321\n123454321\n12345654321\n1234321\n"
	       "12321\n121\n1\n");
}

static void dotted_names_work_in_section_tags(void)
{
	EXPECT("\"{{#a.b.c}}Here{{/a.b.c}}\"", "{\"a\":{\"b\":{\"c\":true}}}",
	       "\"Here\"");
	EXPECT("\"{{#a.b.c}}Here{{/a.b.c}}\"", "{\"a\":{\"b\":{\"c\":false}}}",
	       "\"\"");
	EXPECT("\"{{#a.b.c}}Here{{/a.b.c}}\"", "{\"a\":{}}", "\"\"");
}

static void nested_and_doubled_sections_render(void)
{
	EXPECT("| A {{#bool}}B {{#bool}}C{{/bool}} D{{/bool}} E |",
	       "{\"bool\":true}", "| A B C D E |");
	EXPECT("| A {{#bool}}B {{#bool}}C{{/bool}} D{{/bool}} E |",
	       "{\"bool\":false}", "| A  E |");
	EXPECT("{{#bool}}\n* first\n{{/bool}}\n* {{two}}\n{{#bool}}\n* third\n"
	       "{{/bool}}\n", "{\"bool\":true,\"two\":\"second\"}",
	       "* first\n* second\n* third\n");
}

static void section_tags_inline_keep_surrounding_whitespace(void)
{
	const char *data = "{\"boolean\":true}";
	EXPECT(" | {{#boolean}}\t|\t{{/boolean}} | \n", data, " | \t|\t | \n");
	EXPECT(" | {{#boolean}} {{! Important Whitespace }}\n {{/boolean}} | \n",
	       data, " |  \n  | \n");
	EXPECT(" {{#boolean}}YES{{/boolean}}\n {{#boolean}}GOOD{{/boolean}}\n",
	       data, " YES\n GOOD\n");
	EXPECT("|{{# boolean }}={{/ boolean }}|", data, "|=|");
}

static void standalone_section_lines_are_removed(void)
{
	const char *data = "{\"boolean\":true}";
	EXPECT("| This Is\n{{#boolean}}\n|\n{{/boolean}}\n| A Line\n", data,
	       "| This Is\n|\n| A Line\n");
	EXPECT("| This Is\n  {{#boolean}}\n|\n\t {{/boolean}}  \n| A Line\n",
	       data, "| This Is\n|\n| A Line\n");
}

static void standalone_lines_ending_in_crlf_are_removed(void)
{
	EXPECT("|\r\n{{#boolean}}\r\n{{/boolean}}\r\n|", "{\"boolean\":true}",
	       "|\r\n|");
}

static void standalone_tags_need_no_previous_line_or_final_newline(void)
{
	const char *data = "{\"boolean\":true}";
	EXPECT("  {{#boolean}}\n#{{/boolean}}\n/", data, "#\n/");
	EXPECT("#{{#boolean}}\n/\n  {{/boolean}}", data, "#\n/\n");
}

/* ---- inverted sections ---- */

static void inverted_section_renders_when_value_is_falsy(void)
{
	EXPECT("\"{{^boolean}}This should be rendered.{{/boolean}}\"",
	       "{\"boolean\":false}", "\"This should be rendered.\"");
	EXPECT("\"{{^list}}Yay lists!{{/list}}\"", "{\"list\":[]}",
	       "\"Yay lists!\"");
	EXPECT("[{{^missing}}Found key 'missing'!{{/missing}}]", "{}",
	       "[Found key 'missing'!]");
}

static void inverted_section_is_skipped_when_value_is_truthy(void)
{
	EXPECT("\"{{^boolean}}no{{/boolean}}\"", "{\"boolean\":true}", "\"\"");
	EXPECT("\"{{^list}}{{n}}{{/list}}\"", "{\"list\":[{\"n\":1}]}", "\"\"");
	EXPECT("{{#bool}}A{{/bool}}{{^bool}}B{{/bool}}", "{\"bool\":false}",
	       "B");
	EXPECT("{{^a.b.c}}Not Here{{/a.b.c}}", "{\"a\":{}}", "Not Here");
}

static void standalone_inverted_lines_are_removed(void)
{
	const char *data = "{\"boolean\":false}";
	EXPECT("| This Is\n  {{^boolean}}\n|\n  {{/boolean}}\n| A Line\n", data,
	       "| This Is\n|\n| A Line\n");
	EXPECT("|\r\n{{^boolean}}\r\n{{/boolean}}\r\n|", data, "|\r\n|");
	EXPECT("  {{^boolean}}\n^{{/boolean}}\n/", data, "^\n/");
}

/* ---- comments ---- */

static void comments_render_nothing(void)
{
	EXPECT("12345{{! Comment Block! }}67890", "{}", "1234567890");
	EXPECT("12345{{!\n  This is a\n  multi-line comment...\n}}67890\n",
	       "{}", "1234567890\n");
	EXPECT("comments never show: >{{! comment }}{{!comment}}<",
	       "{\"! comment\":1,\"!comment\":2}",
	       "comments never show: ><");
}

static void standalone_comment_lines_are_removed(void)
{
	EXPECT("Begin.\n{{! Comment Block! }}\nEnd.\n", "{}", "Begin.\nEnd.\n");
	EXPECT("Begin.\n  {{! Indented Comment Block! }}\nEnd.\n", "{}",
	       "Begin.\nEnd.\n");
	EXPECT("|\r\n{{! Standalone Comment }}\r\n|", "{}", "|\r\n|");
	EXPECT("  {{! I'm Still Standalone }}\n!", "{}", "!");
	EXPECT("!\n  {{! I'm Still Standalone }}", "{}", "!\n");
	EXPECT("Begin.\n{{!\nSomething's going on here...\n}}\nEnd.\n", "{}",
	       "Begin.\nEnd.\n");
	EXPECT("Begin.\n  {{!\n    Something's going on here...\n  }}\nEnd.\n",
	       "{}", "Begin.\nEnd.\n");
}

static void inline_comments_keep_surrounding_whitespace(void)
{
	EXPECT("  12 {{! 34 }}\n", "{}", "  12 \n");
	EXPECT("12345 {{! Comment Block! }} 67890", "{}", "12345  67890");
}

/* ---- partials ---- */

static void partial_renders_in_the_current_context(void)
{
	const char *p[] = { "text", "from partial", NULL };
	EXPECT_P("\"{{>text}}\"", "{}", p, "\"from partial\"");
	const char *q[] = { "partial", "*{{text}}*", NULL };
	EXPECT_P("\"{{>partial}}\"", "{\"text\":\"content\"}", q,
		 "\"*content*\"");
	EXPECT_P("{{#o}}{{> partial }}{{/o}}", "{\"o\":{\"text\":\"in\"}}", q,
		 "*in*");
}

static void missing_partial_renders_empty_string(void)
{
	EXPECT("\"{{>text}}\"", "{}", "\"\"");
}

static void recursive_partial_follows_the_data(void)
{
	const char *p[] = { "node",
			    "{{content}}<{{#nodes}}{{>node}}{{/nodes}}>", NULL };
	EXPECT_P("{{>node}}",
		 "{\"content\":\"X\",\"nodes\":[{\"content\":\"Y\","
		 "\"nodes\":[]}]}", p, "X<Y<>>");
}

static void partial_keeps_surrounding_whitespace_when_inline(void)
{
	const char *p[] = { "partial", "\t|\t", NULL };
	EXPECT_P("| {{>partial}} |", "{}", p, "| \t|\t |");
	const char *q[] = { "partial", ">\n>", NULL };
	EXPECT_P("  {{data}}  {{> partial}}\n", "{\"data\":\"|\"}", q,
		 "  |  >\n>\n");
}

static void standalone_partial_indents_every_line_of_the_partial(void)
{
	const char *p[] = { "partial",
			    "|\n{{{content}}}a b{{{content}}}c\n|\n", NULL };
	EXPECT_P("\\\n {{>partial}}\n/\n", "{\"content\":\"<\\n->\"}", p,
		 "\\\n |\n <\n->a b<\n->c\n |\n/\n");
}

static void standalone_partial_lines_follow_the_standalone_rules(void)
{
	const char *p[] = { "partial", ">", NULL };
	EXPECT_P("|\r\n{{>partial}}\r\n|", "{}", p, "|\r\n>|");
	const char *q[] = { "partial", ">\n>", NULL };
	EXPECT_P("  {{>partial}}\n>", "{}", q, "  >\n  >>");
	EXPECT_P(">\n  {{>partial}}", "{}", q, ">\n  >\n  >");
}

static void indentation_of_nested_standalone_partials_adds_up(void)
{
	const char *p[] = { "outer", "<ul>\n  {{>inner}}\n</ul>\n",
			    "inner", "{{#items}}\n<li>{{.}}</li>\n{{/items}}\n",
			    NULL };
	EXPECT_P("<nav>\n  {{>outer}}\n</nav>\n", "{\"items\":[\"a\",\"b\"]}",
		 p,
		 "<nav>\n  <ul>\n    <li>a</li>\n    <li>b</li>\n  </ul>\n"
		 "</nav>\n");
}

static void self_including_partial_is_a_render_error_not_a_crash(void)
{
	const char *p[] = { "loop", "x{{>loop}}", NULL };
	char *got = render_p("{{>loop}}", "{}", p);
	CHECK(strncmp(got, "ERROR: partials nested deeper than 64 levels",
		      44) == 0);
	CHECK(strstr(got, "loop:1:2") != NULL);
	free(got);
	const char *q[] = { "main2", "{{#a}}{{>main2}}{{/a}}", NULL };
	got = render_p("{{>main2}}", "{\"a\":{\"a\":1}}", q);
	CHECK(strncmp(got, "ERROR: partials nested deeper", 29) == 0);
	free(got);
}

static void undefined_partials_are_warned_about_at_their_tag(void)
{
	struct tmpl_set *s = tmpl_set_new();
	struct diag *d = diag_new();
	struct buf out = BUF_INIT;
	const char *a = "x\n  {{> header}}\n{{>footer}}{{>nav}}";

	CHECK(tmpl_set_add(s, "article", a, strlen(a), "tpl/article.mustache",
			   d) == 0);
	CHECK(tmpl_set_add(s, "header", "h", 1, "tpl/header.mustache", d) == 0);
	tmpl_set_check_partials(s, d);
	CHECK(diag_errors(d) == 0);
	CHECK(diag_warnings(d) == 2);
	diag_format(d, &out);
	CHECK_STR(buf_cstr(&out),
		  "tpl/article.mustache:3:1: warning: partial 'footer' is not "
		  "defined (it renders as nothing)\n"
		  "tpl/article.mustache:3:12: warning: partial 'nav' is not "
		  "defined (it renders as nothing)\n");
	buf_free(&out);
	diag_free(d);
	tmpl_set_free(s);
}

/* ---- set delimiters ---- */

static void set_delimiters_change_the_tag_markers(void)
{
	EXPECT("{{=<% %>=}}(<%text%>)", "{\"text\":\"Hey!\"}", "(Hey!)");
	EXPECT("({{=[ ]=}}[text])", "{\"text\":\"It worked!\"}",
	       "(It worked!)");
	EXPECT("|{{= @   @ =}}|@x@", "{\"x\":1}", "||1");
	EXPECT("{{=<% %>=}}<%{a}%><%&a%><%a%>{{a}}", "{\"a\":\"<\"}",
	       "<<&lt;{{a}}");
}

static void set_delimiters_apply_to_sections_and_can_switch_back(void)
{
	EXPECT("[\n{{#section}}\n  {{data}}\n  |data|\n{{/section}}\n\n"
	       "{{= | | =}}\n|#section|\n  {{data}}\n  |data|\n|/section|\n"
	       "|={{ }}=|\n{{#section}}{{data}}{{/section}}\n]\n",
	       "{\"section\":true,\"data\":\"I got interpolated.\"}",
	       "[\n  I got interpolated.\n  |data|\n\n  {{data}}\n"
	       "  I got interpolated.\nI got interpolated.\n]\n");
	EXPECT("{{=| |=}}|^s|none|/s|", "{\"s\":[]}", "none");
}

static void standalone_set_delimiter_lines_are_removed(void)
{
	EXPECT("Begin.\n{{=@ @=}}\nEnd.\n", "{}", "Begin.\nEnd.\n");
	EXPECT("Begin.\n  {{=@ @=}}\nEnd.\n", "{}", "Begin.\nEnd.\n");
	EXPECT("|\r\n{{= @ @ =}}\r\n|", "{}", "|\r\n|");
	EXPECT("  {{=@ @=}}\n=", "{}", "=");
	EXPECT("=\n  {{=@ @=}}", "{}", "=\n");
}

static void set_delimiters_stay_inside_their_template(void)
{
	const char *p[] = { "include", ".{{value}}.", NULL };
	EXPECT_P("[ {{>include}} ]\n{{= | | =}}\n[ |>include| ]\n",
		 "{\"value\":\"yes\"}", p, "[ .yes. ]\n[ .yes. ]\n");
	const char *q[] = { "include", ".{{value}}. {{= | | =}} .|value|.",
			    NULL };
	EXPECT_P("[ {{>include}} ]\n[ .{{value}}.  .|value|. ]\n",
		 "{\"value\":\"yes\"}", q,
		 "[ .yes.  .yes. ]\n[ .yes.  .|value|. ]\n");
}

/* ---- compile errors ---- */

static void unclosed_section_is_reported_at_its_opening_tag(void)
{
	EXPECT_DIAG("<p>\n  {{#items}}\n  {{name}}\n",
		    "t.mustache:2:3: error: unclosed section 'items'\n");
}

static void mismatched_closing_tag_names_both_sections(void)
{
	EXPECT_DIAG("{{#a}}\nx {{/b}}\n",
		    "t.mustache:2:3: error: closing tag 'b' does not match "
		    "open section 'a' (opened at line 1, column 1)\n");
	/* a forgotten close of an inner section is one error, not two */
	EXPECT_DIAG("{{#a}}{{^b}}{{/a}}",
		    "t.mustache:1:13: error: closing tag 'a' does not match "
		    "open section 'b' (opened at line 1, column 7)\n");
}

static void closing_tag_without_open_section_is_reported(void)
{
	EXPECT_DIAG("ok\n\t{{/done}}", "t.mustache:2:2: error: closing tag "
		    "'done' has no open section\n");
}

static void unclosed_tag_is_reported_at_its_opening_delimiter(void)
{
	EXPECT_DIAG("line one\nabc {{name\n", "t.mustache:2:5: error: unclosed "
		    "tag: '{{' without '}}'\n");
	EXPECT_DIAG("{{{raw}}", "t.mustache:1:1: error: unclosed tag: '{{' "
		    "without '}}}'\n");
	EXPECT_DIAG("{{=<% %>=}}\n  <%x", "t.mustache:2:3: error: unclosed "
		    "tag: '<%' without '%>'\n");
	/* a tag that lacks its end before the next one: one error, on one
	 * line, and the next tag is read as written (it used to be
	 * "tag name 'title}</h1>\n{{#summary' contains white space", then
	 * "closing tag 'summary' has no open section") */
	EXPECT_DIAG("<h1>{{title}</h1>\n{{#summary}}<p>{{summary}}</p>{{/summary}}\n",
		    "t.mustache:1:5: error: unclosed tag: this '{{' has no '}}' before the next '{{'\n");
}

static void empty_tag_name_is_reported(void)
{
	EXPECT_DIAG("a{{}}b\n{{# }}{{/ }}\n{{>}}",
		    "t.mustache:1:2: error: empty tag name\n"
		    "t.mustache:2:1: error: empty tag name\n"
		    "t.mustache:2:7: error: empty tag name\n"
		    "t.mustache:3:1: error: empty tag name\n");
}

static void bad_set_delimiter_tags_are_reported(void)
{
	EXPECT_DIAG("x\n {{=<% %>}}", "t.mustache:2:2: error: bad "
		    "set-delimiter tag: it must end with '=' before the "
		    "closing delimiter\n");
	EXPECT_DIAG("{{=<%=}}", "t.mustache:1:1: error: bad set-delimiter tag "
		    "'<%': expected two delimiters without '=' or spaces, as "
		    "in {{=<% %>=}}\n");
	EXPECT_DIAG("{{=a b c=}}", "t.mustache:1:1: error: bad set-delimiter "
		    "tag 'a b c': expected two delimiters without '=' or "
		    "spaces, as in {{=<% %>=}}\n");
}

static void names_with_spaces_or_empty_parts_are_reported(void)
{
	EXPECT_DIAG("{{a b}} {{a..b}}", "t.mustache:1:1: error: tag name 'a b' "
		    "contains white space\nt.mustache:1:9: error: malformed "
		    "dotted name 'a..b'\n");
}

static void every_error_is_reported_not_only_the_first(void)
{
	EXPECT_DIAG("{{#list}}\r\n  {{}}\r\n{{/lists}}\r\n{{#open}}",
		    "t.mustache:2:3: error: empty tag name\n"
		    "t.mustache:3:1: error: closing tag 'lists' does not match "
		    "open section 'list' (opened at line 1, column 1)\n"
		    "t.mustache:4:1: error: unclosed section 'open'\n");
}

static void template_with_errors_refuses_to_render(void)
{
	struct tmpl_set *s = tmpl_set_new();
	struct diag *d = diag_new();
	struct buf out = BUF_INIT;
	char *err = NULL;

	CHECK(tmpl_set_add(s, "bad", "{{#a}}", 6, "bad.mustache", d) == -1);
	CHECK(tmpl_set_has(s, "bad"));
	buf_puts(&out, "keep");
	CHECK(tmpl_render(s, "bad", NULL, &out, &err) == -1);
	CHECK_STR(err, "template 'bad' (bad.mustache) has errors");
	CHECK_STR(buf_cstr(&out), "keep");
	free(err);
	buf_free(&out);
	diag_free(d);
	tmpl_set_free(s);
}

/* ---- the set ---- */

static void unknown_template_is_a_render_error(void)
{
	struct tmpl_set *s = tmpl_set_new();
	struct buf out = BUF_INIT;
	char *err = NULL;

	CHECK(!tmpl_set_has(s, "nope"));
	CHECK(tmpl_render(s, "nope", NULL, &out, &err) == -1);
	CHECK_STR(err, "unknown template 'nope'");
	CHECK(tmpl_render(s, "nope", NULL, &out, NULL) == -1);
	free(err);
	buf_free(&out);
	tmpl_set_free(s);
}

static void render_appends_and_leaves_output_untouched_on_error(void)
{
	struct tmpl_set *s = tmpl_set_new();
	struct diag *d = diag_new();
	struct buf out = BUF_INIT;
	json_t *ctx = json_pack("{s:s}", "x", "X");

	tmpl_set_add(s, "a", "[{{x}}]", 7, "a.mustache", d);
	tmpl_set_add(s, "loop", "{{x}}{{>loop}}", 14, "loop.mustache", d);
	buf_puts(&out, "head");
	CHECK(tmpl_render(s, "a", ctx, &out, NULL) == 0);
	CHECK(tmpl_render(s, "a", ctx, &out, NULL) == 0);
	CHECK_STR(buf_cstr(&out), "head[X][X]");
	CHECK(tmpl_render(s, "loop", ctx, &out, NULL) == -1);
	CHECK_STR(buf_cstr(&out), "head[X][X]");
	json_decref(ctx);
	buf_free(&out);
	diag_free(d);
	tmpl_set_free(s);
}

static void adding_a_template_again_replaces_it(void)
{
	struct tmpl_set *s = tmpl_set_new();
	struct diag *d = diag_new();
	struct buf out = BUF_INIT;

	tmpl_set_add(s, "a", "old", 3, "a.mustache", d);
	tmpl_set_add(s, "a", "new", 3, "a.mustache", d);
	CHECK(tmpl_render(s, "a", NULL, &out, NULL) == 0);
	CHECK_STR(buf_cstr(&out), "new");
	buf_free(&out);
	diag_free(d);
	tmpl_set_free(s);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void load_dir_compiles_every_mustache_file(void)
{
	char dir[] = "/tmp/quire-tmpl-XXXXXX";
	struct tmpl_set *s = tmpl_set_new();
	struct diag *d = diag_new();
	struct buf out = BUF_INIT, msgs = BUF_INIT;
	json_t *ctx = json_pack("{s:s}", "title", "T");

	CHECK(mkdtemp(dir) != NULL);
	char *p1 = xasprintf("%s/article.mustache", dir);
	char *p2 = xasprintf("%s/header.mustache", dir);
	char *p3 = xasprintf("%s/notes.txt", dir);
	char *p4 = xasprintf("%s/broken.mustache", dir);
	write_file(p1, "{{>header}}\n<p>body</p>\n");
	write_file(p2, "\xEF\xBB\xBF<h1>{{title}}</h1>\n");
	write_file(p3, "{{#not a template");
	write_file(p4, "ok\n  {{/x}}\n");

	CHECK(tmpl_set_load_dir(s, dir, "themes/t/templates", d) == -1);
	CHECK(tmpl_set_has(s, "article"));
	CHECK(tmpl_set_has(s, "header"));
	CHECK(tmpl_set_has(s, "broken"));
	CHECK(!tmpl_set_has(s, "notes"));
	diag_format(d, &msgs);
	CHECK_STR(buf_cstr(&msgs), "themes/t/templates/broken.mustache:2:3: "
		  "error: closing tag 'x' has no open section\n");
	CHECK(tmpl_render(s, "article", ctx, &out, NULL) == 0);
	CHECK_STR(buf_cstr(&out), "<h1>T</h1>\n<p>body</p>\n");

	unlink(p1);
	unlink(p2);
	unlink(p3);
	unlink(p4);
	rmdir(dir);
	free(p1);
	free(p2);
	free(p3);
	free(p4);
	json_decref(ctx);
	buf_free(&out);
	buf_free(&msgs);
	diag_free(d);
	tmpl_set_free(s);
}

static void load_dir_reports_a_missing_folder(void)
{
	struct tmpl_set *s = tmpl_set_new();
	struct diag *d = diag_new();
	struct buf msgs = BUF_INIT;

	CHECK(tmpl_set_load_dir(s, "/nonexistent/quire/templates",
				"themes/x/templates", d) == -1);
	diag_format(d, &msgs);
	CHECK_STR(buf_cstr(&msgs), "themes/x/templates: error: cannot open "
		  "template folder: No such file or directory\n");
	buf_free(&msgs);
	diag_free(d);
	tmpl_set_free(s);
}

static void exploding_nested_loops_hit_the_render_limit(void)
{
	struct tmpl_set *s = tmpl_set_new();
	struct diag *d = diag_new();
	struct buf out = BUF_INIT;
	json_t *ctx = json_loads("{\"l\":[1,2,3,4]}", 0, NULL);
	char *err = NULL;
	const char *src = "{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}x"
			  "{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}";

	tmpl_set_add(s, "big", src, strlen(src), "big.mustache", d);
	tmpl_set_limits(s, 10000, 0);
	CHECK(tmpl_render(s, "big", ctx, &out, &err) == -1);
	CHECK_STR(err, "big.mustache: rendering visits more than 10000 "
		  "template nodes");
	CHECK(out.len == 0);
	free(err);
	err = NULL;
	tmpl_set_limits(s, 0, 1000);
	CHECK(tmpl_render(s, "big", ctx, &out, &err) == -1);
	CHECK_STR(err, "big.mustache: output larger than 1000 bytes");
	free(err);
	tmpl_set_limits(s, 0, 0);
	CHECK(tmpl_render(s, "big", ctx, &out, NULL) == 0);
	CHECK(out.len == 65536);
	json_decref(ctx);
	buf_free(&out);
	diag_free(d);
	tmpl_set_free(s);
}

static void thousands_of_nested_sections_fail_cleanly(void)
{
	struct tmpl_set *s = tmpl_set_new();
	struct diag *d = diag_new();
	struct buf src = BUF_INIT, out = BUF_INIT;
	json_t *ctx = json_pack("{s:b}", "t", 1);
	char *err = NULL;

	for (int i = 0; i < 20000; i++)
		buf_puts(&src, "{{#t}}");
	for (int i = 0; i < 20000; i++)
		buf_puts(&src, "{{/t}}");
	CHECK(tmpl_set_add(s, "deep", src.ptr, src.len, "deep.mustache", d) == 0);
	CHECK(tmpl_render(s, "deep", ctx, &out, &err) == -1);
	CHECK_STR(err, "deep.mustache: sections and partials nested deeper "
		  "than 512 levels");
	free(err);
	json_decref(ctx);
	buf_free(&src);
	buf_free(&out);
	diag_free(d);
	tmpl_set_free(s);
}

struct job {
	const struct tmpl_set *s;
	json_t *ctx;
	int failures;
};

static void *render_many(void *arg)
{
	struct job *j = arg;
	for (int i = 0; i < 300; i++) {
		struct buf out = BUF_INIT;
		if (tmpl_render(j->s, "page", j->ctx, &out, NULL) != 0 ||
		    strcmp(buf_cstr(&out),
			   "<h1>T &amp; U</h1>\n  <li>a</li>\n  <li>b</li>\n"
			   "{\"k\":[1,2]}\n") != 0)
			j->failures++;
		buf_free(&out);
	}
	return NULL;
}

static void many_threads_render_one_set_at_once(void)
{
	struct tmpl_set *s = tmpl_set_new();
	struct diag *d = diag_new();
	const char *page = "<h1>{{title}}</h1>\n  {{>item}}\n{{{o}}}\n";
	const char *item = "{{#items}}\n<li>{{.}}</li>\n{{/items}}\n";
	json_t *ctx = json_loads("{\"title\":\"T & U\",\"items\":[\"a\",\"b\"],"
				 "\"o\":{\"k\":[1,2]}}", 0, NULL);
	pthread_t th[4];
	struct job jobs[4];

	tmpl_set_add(s, "page", page, strlen(page), "page.mustache", d);
	tmpl_set_add(s, "item", item, strlen(item), "item.mustache", d);
	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct job){ s, ctx, 0 };
		pthread_create(&th[i], NULL, render_many, &jobs[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		CHECK(jobs[i].failures == 0);
	}
	CHECK(json_object_get(ctx, "title")->refcount == 1);
	json_decref(ctx);
	diag_free(d);
	tmpl_set_free(s);
}

/* Digests of page, which includes head, in a set that also has tag. */
static uint64_t digest_of(const char *page, const char *head, const char *tag)
{
	struct tmpl_set *s = tmpl_set_new();
	struct diag *d = diag_new();
	tmpl_set_add(s, "page", page, strlen(page), "page.mustache", d);
	if (head)
		tmpl_set_add(s, "head", head, strlen(head), "head.mustache", d);
	tmpl_set_add(s, "tag", tag, strlen(tag), "tag.mustache", d);
	tmpl_set_seal(s);
	uint64_t h = tmpl_digest(s, "page");
	tmpl_set_free(s);
	diag_free(d);
	return h;
}

/* A page's fingerprint changes when its template or a partial it
 * includes changes, and only then. */
static void a_digest_covers_the_template_and_its_partials_only(void)
{
	uint64_t base = digest_of("{{> head}}<p>{{x}}</p>", "<h1>{{t}}</h1>", "tag");
	CHECK(base == digest_of("{{> head}}<p>{{x}}</p>", "<h1>{{t}}</h1>", "tag, edited"));
	CHECK(base != digest_of("{{> head}}<p>{{x}}</p>!", "<h1>{{t}}</h1>", "tag"));
	CHECK(base != digest_of("{{> head}}<p>{{x}}</p>", "<h2>{{t}}</h2>", "tag"));
	CHECK(base != digest_of("{{> head}}<p>{{x}}</p>", NULL, "tag"));
	/* self-inclusion ends */
	CHECK(digest_of("{{> page}}", NULL, "") != 0);
	struct tmpl_set *s = tmpl_set_new();
	tmpl_set_seal(s);
	CHECK(tmpl_digest(s, "none") != tmpl_digest(s, "other"));
	tmpl_set_free(s);
}

int main(void)
{
	RUN(a_digest_covers_the_template_and_its_partials_only);
	RUN(text_without_tags_renders_unchanged);
	RUN(variable_is_replaced_by_its_value);
	RUN(variable_is_html_escaped);
	RUN(triple_mustache_and_ampersand_are_not_escaped);
	RUN(integers_print_as_integers);
	RUN(reals_print_with_proper_significance);
	RUN(missing_names_render_as_empty_string);
	RUN(null_renders_empty_and_booleans_as_words);
	RUN(objects_and_arrays_interpolate_as_json);
	RUN(dotted_names_reach_into_nested_objects);
	RUN(dotted_name_with_broken_chain_renders_empty);
	RUN(dotted_name_parts_after_the_first_resolve_only_inside_it);
	RUN(dotted_name_first_part_resolves_up_the_context_stack);
	RUN(dotted_names_are_never_single_keys);
	RUN(leading_dot_resolves_inside_the_current_context_only);
	RUN(implicit_iterator_prints_the_current_context);
	RUN(padding_inside_tags_is_ignored);
	RUN(interpolation_tags_are_never_standalone);

	RUN(truthy_section_renders_and_false_section_does_not);
	RUN(null_missing_empty_list_and_empty_string_are_falsy);
	RUN(non_empty_strings_and_zero_are_truthy);
	RUN(object_section_pushes_the_object);
	RUN(section_over_array_renders_once_per_element);
	RUN(implicit_iterator_walks_scalars_in_a_list);
	RUN(implicit_iterator_section_walks_nested_arrays);
	RUN(root_level_array_is_iterated_by_dot_section);
	RUN(truthy_scalar_section_shows_its_value_as_dot);
	RUN(names_missing_in_a_section_are_looked_up_the_stack);
	RUN(deeply_nested_contexts_all_stay_visible);
	RUN(dotted_names_work_in_section_tags);
	RUN(nested_and_doubled_sections_render);
	RUN(section_tags_inline_keep_surrounding_whitespace);
	RUN(standalone_section_lines_are_removed);
	RUN(standalone_lines_ending_in_crlf_are_removed);
	RUN(standalone_tags_need_no_previous_line_or_final_newline);

	RUN(inverted_section_renders_when_value_is_falsy);
	RUN(inverted_section_is_skipped_when_value_is_truthy);
	RUN(standalone_inverted_lines_are_removed);

	RUN(comments_render_nothing);
	RUN(standalone_comment_lines_are_removed);
	RUN(inline_comments_keep_surrounding_whitespace);

	RUN(partial_renders_in_the_current_context);
	RUN(missing_partial_renders_empty_string);
	RUN(recursive_partial_follows_the_data);
	RUN(partial_keeps_surrounding_whitespace_when_inline);
	RUN(standalone_partial_indents_every_line_of_the_partial);
	RUN(standalone_partial_lines_follow_the_standalone_rules);
	RUN(indentation_of_nested_standalone_partials_adds_up);
	RUN(self_including_partial_is_a_render_error_not_a_crash);
	RUN(undefined_partials_are_warned_about_at_their_tag);

	RUN(set_delimiters_change_the_tag_markers);
	RUN(set_delimiters_apply_to_sections_and_can_switch_back);
	RUN(standalone_set_delimiter_lines_are_removed);
	RUN(set_delimiters_stay_inside_their_template);

	RUN(unclosed_section_is_reported_at_its_opening_tag);
	RUN(mismatched_closing_tag_names_both_sections);
	RUN(closing_tag_without_open_section_is_reported);
	RUN(unclosed_tag_is_reported_at_its_opening_delimiter);
	RUN(empty_tag_name_is_reported);
	RUN(bad_set_delimiter_tags_are_reported);
	RUN(names_with_spaces_or_empty_parts_are_reported);
	RUN(every_error_is_reported_not_only_the_first);
	RUN(template_with_errors_refuses_to_render);

	RUN(unknown_template_is_a_render_error);
	RUN(render_appends_and_leaves_output_untouched_on_error);
	RUN(adding_a_template_again_replaces_it);
	RUN(load_dir_compiles_every_mustache_file);
	RUN(load_dir_reports_a_missing_folder);
	RUN(exploding_nested_loops_hit_the_render_limit);
	RUN(thousands_of_nested_sections_fail_cleanly);
	RUN(many_threads_render_one_set_at_once);
	UNIT_END();
}
