/* tests/unit/test_authors.c: byline strings in several languages -> the names they credit (meta/authors.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "meta/authors.h"

struct row {
    const char *in;
    const char *want; /* names joined by "|"; "" = none */
};

static const struct row rows[] = {
    {"By John Smith", "John Smith"},
    {"BY STEVE PEOPLES, THOMAS BEAUMONT and AMELIA THOMSON-DEVEAUX", "STEVE PEOPLES|THOMAS BEAUMONT|AMELIA THOMSON-DEVEAUX"},
    {"By Jane Doe and Richard Roe", "Jane Doe|Richard Roe"},
    {"Jane Doe, Staff Writer", "Jane Doe"},
    {"By Takeo Maeda and Tatsuya Tanoue / Yomiuri Shimbun Staff Writers", "Takeo Maeda|Tatsuya Tanoue"},
    {"By JOHN DOE, Associated Press Writer", "JOHN DOE"},
    {"Reporter Mary Major", "Mary Major"},
    {"AFP, MANILA", "AFP"},
    {"Reuters, LONDON", "Reuters"},
    {"dpa", "dpa"},
    {"Von Anna Müller und Jonas Weber", "Anna Müller|Jonas Weber"},
    {"Von: Bill  MCCARTHY, Marisha GOLDHAMER", "Bill MCCARTHY|Marisha GOLDHAMER"},
    {"Autorin: Roman Goncharenko", "Roman Goncharenko"},
    {"Par Denis Loctier", "Denis Loctier"},
    {"Par Claire Dupont et Marc Lefèvre", "Claire Dupont|Marc Lefèvre"},
    {"Por María García y José Pérez", "María García|José Pérez"},
    {"От Андрей Колесников", "Андрей Колесников"},
    {"Автор: Ирина Петрова и Олег Сидоров", "Ирина Петрова|Олег Сидоров"},
    {"Ярослав Кузишин, Антон Зелинский", "Ярослав Кузишин|Антон Зелинский"},
    {"Mehmet Can Toptaş ve Ayşe Yılmaz", "Mehmet Can Toptaş|Ayşe Yılmaz"},
    {"Oleh Ahmad Fauzi dan Siti Aminah", "Ahmad Fauzi|Siti Aminah"},
    {"牛镛、岳弘彬", "牛镛|岳弘彬"},
    {"By Sam Lee sam.lee@example.com", "Sam Lee"},
    {"By Sam Lee https://example.com/sam @samlee", "Sam Lee"},
    {"By Ann Bell | Updated 14 January 2020", "Ann Bell"},
    {"Ann Bell 14.01.2020, 12:05", "Ann Bell"},
    {"8 января, 17:46", ""},
    {"Metro wire services Published 11:11 p.m. ET Nov. 19", "Metro wire services"},
    {"Von Lena Berg am 14.01.2020", "Lena Berg"},
    {"Rachael Link, MS, RD", "Rachael Link"},
    {"Troy L. Smith, Cleveland.com", "Troy L. Smith"},
    {"John Smith in Washington", "John Smith"},
    {"Editor", ""},
    {"By the editors", ""},
    {"Jane Doe, Jane Doe", "Jane Doe"},
    {"Maya Gebeily,Anthony Deutsch", "Maya Gebeily|Anthony Deutsch"},
    {"Ana Lima e Pedro Souza", "Ana Lima|Pedro Souza"},
    {"Marco Rossi e Giulia Bianchi", "Marco Rossi|Giulia Bianchi"},
    {"Written by Alex Kim", "Alex Kim"},
    {"Correspondent Kate Vinton in Kyiv", "Kate Vinton"},
    {"Nicolas Camut & Laura Kayali", "Nicolas Camut|Laura Kayali"},
    /* roles and date words are whole words: inside a name they are the name's */
    {"Ann Stafford, Staff Writer", "Ann Stafford"},
    {"Jon Snow 14.01.2020", "Jon Snow"},
    {"Von Leonie Amann am 14.01.2020", "Leonie Amann"},
    {"", ""},
};

/* Splitting one byline into its people, language by language (and the cleaning the issue named). */
static const struct row split_rows[] = {
    {"By Jane Doe and Richard Roe", "Jane Doe|Richard Roe"},                               /* English */
    {"Von Anna Müller und Jonas Weber", "Anna Müller|Jonas Weber"},                        /* German */
    {"Par Claire Dupont et Marc Lefèvre", "Claire Dupont|Marc Lefèvre"},                   /* French */
    {"Por María García y José Pérez", "María García|José Pérez"},                          /* Spanish */
    {"Автор: Ирина Петрова и Олег Сидоров", "Ирина Петрова|Олег Сидоров"},                 /* Russian */
    {"Mehmet Can Toptaş ve Ayşe Yılmaz", "Mehmet Can Toptaş|Ayşe Yılmaz"},                 /* Turkish */
    {"Ingrid Treborg og Marlene Lundberg Holm", "Ingrid Treborg|Marlene Lundberg Holm"},   /* Norwegian */
    {"Anna Lindqvist och Per Berg", "Anna Lindqvist|Per Berg"},                            /* Swedish */
    {"Γιώργος Παπαδόπουλος και Μαρία Νικολάου", "Γιώργος Παπαδόπουλος|Μαρία Νικολάου"},     /* Greek */
    {"牛镛、岳弘彬", "牛镛|岳弘彬"},                                                          /* Chinese */
    {"신현주 기자", "신현주"},                                                               /* Korean: role after */
    {"山田太郎記者", "山田太郎"},                                                           /* Japanese: role after */
    {"Ole Hansen, Kari Nordmann og Per Olsen", "Ole Hansen|Kari Nordmann|Per Olsen"},
    {"Quelle: dpa", "dpa"},
    {"Bron: ANP", "ANP"},
    {"Atli Steinn Guðmundsson skrifar frá Porsgrunn", "Atli Steinn Guðmundsson"},
    {"Posted by Jane Doe in News, Business, Property", "Jane Doe"},
    {"Reporting by Maya Gebeily in Beirut, Anthony Deutsch in Amsterdam", "Maya Gebeily|Anthony Deutsch"},
    {"Kate Sullivan, CNN", "Kate Sullivan"},
};

static int check_row(const struct row *r)
{
    json_t *names = json_array();
    int added = mw_authors_split(r->in, names);
    char got[512] = "";
    size_t i;
    json_t *v;
    json_array_foreach(names, i, v) {
        if (i)
            strncat(got, "|", sizeof got - strlen(got) - 1);
        strncat(got, json_string_value(v), sizeof got - strlen(got) - 1);
    }
    int bad = strcmp(got, r->want) != 0 || added != (int)json_array_size(names);
    if (bad)
        print_error("byline \"%s\": got \"%s\", want \"%s\"\n", r->in, got, r->want);
    json_decref(names);
    return bad;
}

static void test_table(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        bad += check_row(&rows[i]);
    assert_int_equal(bad, 0);
}

static void test_split_languages(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof split_rows / sizeof *split_rows; i++)
        bad += check_row(&split_rows[i]);
    assert_int_equal(bad, 0);
}

static void test_dedupe_across_calls(void **state)
{
    (void)state;
    json_t *names = json_array();
    assert_int_equal(mw_authors_split("By Jane Doe", names), 1);
    assert_int_equal(mw_authors_split("JANE DOE and Max Mustermann", names), 1);
    assert_int_equal(json_array_size(names), 2);
    assert_string_equal(json_string_value(json_array_get(names, 1)), "Max Mustermann");
    json_decref(names);
}

/* One clean name at a time (the tags of meta.c come this way too): nothing is no name. */
static void test_add(void **state)
{
    (void)state;
    json_t *names = json_array();
    assert_int_equal(mw_authors_add(names, "Ann Bell"), 1);
    assert_int_equal(mw_authors_add(names, "ANN BELL"), 0);
    assert_int_equal(mw_authors_add(names, ""), 0);
    assert_int_equal(mw_authors_add(names, NULL), 0);
    assert_int_equal(json_array_size(names), 1);
    json_decref(names);
}

static void test_agency(void **state)
{
    (void)state;
    assert_true(mw_authors_is_agency("AFP"));
    assert_true(mw_authors_is_agency("Associated Press"));
    assert_true(mw_authors_is_agency("dpa"));
    assert_false(mw_authors_is_agency("MANILA"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_split_languages),
        cmocka_unit_test(test_dedupe_across_calls),
        cmocka_unit_test(test_add),
        cmocka_unit_test(test_agency),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
