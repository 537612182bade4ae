/* meta/lang.h: language of a text (script ranges + stop-word counts) and language tags -> two-letter codes.
 * Small and fast, for the 15 languages moonwire meets most; not a general identifier. */
#ifndef MW_LANG_H
#define MW_LANG_H

#include <stddef.h>

/* Two-letter code ("en", "de", "fr", "es", "tr", "ru", "uk", "ar", "zh", "ja", "ko", "ms", "id", "pt", "it")
 * of UTF-8 text, or NULL when it is too short or unclear. Static string. Reads at most the first 64 KiB. */
const char *mw_lang_detect(const char *utf8, size_t n);

/* "en-GB", "de_DE", "pt-br", "FR" -> "en", "de", "pt", "fr" into out. 0, or -1 when tag is no language tag. */
int mw_lang_normalize(const char *tag, char out[3]);

#endif
