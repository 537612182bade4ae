/* tests/unit/test_story_attrib.c: core/story/attrib.c and names.c — the sources a text cites (attribution cues
 * and wire credits in en de fr es pl tr ru ar), direct quotes with their speakers (after or before the quote,
 * pronouns, "quoted X as saying"), and names spelled differently across texts. Rows are {text, want}. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "story/story.h"

static const struct {
    const char *text, *want;   /* want: one source the text cites, as written */
} SOURCES[] = {
    {"The talks failed, according to the Foreign Ministry.", "Foreign Ministry"},
    {"Reuters reported that the ship sank near the coast.", "Reuters"},
    {"The strike killed four people, the minister said, quoted by the AFP news agency.", "AFP"},
    {"Bloomberg reported the deal, citing two people familiar with the matter.", "Bloomberg"},
    {"He told CNN on Sunday that the vote would go ahead.", "CNN"},
    {"MOSCOW, January 14. /TASS/. Talks resumed on Tuesday.", "TASS"},
    {"PARIS (AP) — Police said the road would reopen.", "AP"},
    {"The ship sank overnight, officials said.\n\n— Reuters", "Reuters"},
    {"PORT ELLIS, March 3 (Harbor Times) — The harbour reopened.", "Harbor Times"},
    {"Laut Polizei wurde bei dem Unfall niemand verletzt.", "Polizei"},
    {"Wie der Spiegel berichtet, soll das Gesetz im Mai kommen.", "Spiegel"},
    {"Le bilan s'alourdit, selon l'AFP.", "AFP"},
    {"El avión aterrizó sin problemas, según la agencia EFE.", "EFE"},
    {"Jak podaje PAP, rozmowy potrwają do piątku.", "PAP"},
    {"Anadolu Ajansı'na göre, toplantı yarın yapılacak.", "Anadolu"},
    {"Переговоры продолжатся, как сообщает РИА Новости.", "РИА Новости"},
    {"Жертв нет, по данным ТАСС.", "ТАСС"},
    {"نقلت وكالة رويترز عن مصدر أن المحادثات فشلت.", "رويترز"},
    {"وقال المتحدث بحسب صحيفة الأهرام إن الاجتماع تأجل.", "الأهرام"},
};

static int has_source(const json_t *a, const char *want)
{
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) if (!strcmp(json_string_value(json_object_get(v, "source")), want)) return 1;
    return 0;
}

static void test_sources(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof SOURCES / sizeof SOURCES[0]; i++) {
        json_t *a = mw_story_sources(SOURCES[i].text, NULL);
        if (!has_source(a, SOURCES[i].want)) {
            char *s = json_dumps(a, 0);
            fail_msg("%s: want %s, got %s", SOURCES[i].text, SOURCES[i].want, s);
        }
        json_decref(a);
    }
    /* a name after "said" is what was said about, not who said it */
    json_t *a = mw_story_sources("Erdogan said Haftar had run away from the talks.", NULL);
    assert_false(has_source(a, "Haftar"));
    assert_true(has_source(a, "Erdogan"));
    json_decref(a);
    a = mw_story_sources("A member of the forces carries a weapon. | Photo: Reuters", NULL);
    assert_int_equal(json_array_size(a), 0);   /* a photo credit cites nothing */
    json_decref(a);
    assert_true(mw_story_known_agency("Al-Arabiya"));
    assert_true(mw_story_known_agency("ТАСС"));
    assert_false(mw_story_known_agency("Harbor Times"));
}

static const struct {
    const char *text, *quote, *speaker;   /* speaker NULL: none named */
} QUOTES[] = {
    {"\"We will not sign this draft,\" Haftar said on Tuesday.", "We will not sign this draft,", "Haftar"},
    {"Lavrov said: \"We will continue our efforts here.\"", "We will continue our efforts here.", "Lavrov"},
    {"Erdogan said the talks failed. “It is over now for us,” he said.", "It is over now for us,", "Erdogan"},
    {"Sputnik quoted a military source as saying that “the army will not withdraw its forces”.",
     "the army will not withdraw its forces", "military source"},
    {"“The delegation left Moscow for Istanbul,” the agency quoted Foreign Minister Mohamed Siala as saying.",
     "The delegation left Moscow for Istanbul,", "Foreign Minister Mohamed Siala"},
    {"«Мы продолжим переговоры завтра», — заявил Лавров.", "Мы продолжим переговоры завтра", "Лавров"},
    {"„Wir bleiben hier bis morgen“, sagte Scholz.", "Wir bleiben hier bis morgen", "Scholz"},
    {"« Nous ne signerons pas ce texte », a déclaré le ministre.", " Nous ne signerons pas ce texte ", "ministre"},
    {"\"No vamos a firmar el acuerdo\", dijo el ministro.", "No vamos a firmar el acuerdo", "ministro"},
    {"وقال الوزير: «لن نوقع على الاتفاق اليوم».", "لن نوقع على الاتفاق اليوم", "الوزير"},
    {"The banner read “no more war in our city” all day.", "no more war in our city", NULL},
};

static void test_quotes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof QUOTES / sizeof QUOTES[0]; i++) {
        json_t *a = mw_story_quotes(QUOTES[i].text, NULL);
        json_t *q = json_array_get(a, json_array_size(a) - 1);
        const char *got = json_string_value(json_object_get(q, "quote"));
        const char *who = json_string_value(json_object_get(q, "speaker"));
        if (!got || strcmp(got, QUOTES[i].quote))
            fail_msg("%s: quote \"%s\", want \"%s\"", QUOTES[i].text, got ? got : "(none)", QUOTES[i].quote);
        if (QUOTES[i].speaker ? !who || strcmp(who, QUOTES[i].speaker) : who != NULL)
            fail_msg("%s: speaker %s, want %s", QUOTES[i].text, who ? who : "(none)",
                     QUOTES[i].speaker ? QUOTES[i].speaker : "(none)");
        json_decref(a);
    }
    json_t *a = mw_story_quotes("He called it “a bad deal” again.", NULL);
    assert_int_equal(json_array_size(a), 0);   /* under four words: a phrase, not a quote */
    json_decref(a);
}

static void test_names(void **state)
{
    (void)state;
    struct mw_story_stop *stop = mw_story_stop_new();
    const char *texts[] = {"Talks in Moscow: Field Marshal Hifter left, and Siraj stayed in Moscow.",
                           "In Moscow, Khalifa Haftar refused; Fayez al-Sarraj signed. The Minister spoke.",
                           "Вчера Хафтар покинул Москву. The Ministry said nothing.",
                           "غادر حفتر موسكو"};
    json_t *names = mw_story_names(stop, texts, 4);
    int haftar = 0, sarraj = 0, minister = 0;
    size_t i;
    json_t *n;
    json_array_foreach(names, i, n) {
        const char *name = json_string_value(json_object_get(n, "name"));
        json_t *sp = json_object_get(n, "spellings");
        if (!strcmp(name, "Haftar") || !strcmp(name, "Hifter")) {
            haftar++;
            assert_true(json_is_true(json_object_get(n, "varies")));
            assert_int_equal(json_integer_value(json_object_get(n, "texts")), 4);   /* Latin, Cyrillic, Arabic */
            assert_string_equal(json_string_value(json_array_get(json_array_get(sp, 2), 0)), "Хафтар");
            assert_string_equal(json_string_value(json_array_get(json_array_get(sp, 3), 0)), "حفتر");
        }
        if (!strcmp(name, "Sarraj") || !strcmp(name, "Siraj"))
            sarraj++;
        if (!strcmp(name, "Minister") || !strcmp(name, "Ministry"))
            minister += json_is_true(json_object_get(n, "varies"));
    }
    assert_int_equal(haftar, 1);
    assert_int_equal(sarraj, 1);
    assert_int_equal(minister, 0);   /* another word, not another spelling */
    json_decref(names);
    mw_story_stop_free(stop);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sources),
        cmocka_unit_test(test_quotes),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
