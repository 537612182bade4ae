/* story/stopwords.c: the function words (and the calendar and reporting words every news text has) of the
 * languages the module knows, folded by text.c into one set: they carry no event in any language. Which
 * words make a term is features.c's. */
#include "story/story.h"

#include <stdlib.h>
#include <string.h>

static const char *const LISTS[] = {
    /* en */
    "a about above after again against ago all almost also although am among an and another any are "
    "around as at be because been before being below between both but by can could did do does doing done "
    "down during each either else even ever every few for from further had has have having he her here "
    "hers herself him himself his how however i if in including into is it its itself just last least "
    "less like many may me might more most much must my near neither new next no nor not now of off often "
    "on once one only or other others our ours out over own per rather said same say says saying she "
    "should since so some still such than that the their theirs them themselves then there these they "
    "this those though through thus to told too toward towards under until up upon us very via was we "
    "were what when where whether which while who whom whose why will with within without would yet you "
    "your yours year years day days week weeks month months time times today yesterday tomorrow monday "
    "tuesday wednesday thursday friday saturday sunday january february march april may june july august "
    "september october november december mr mrs ms dr two three four five six seven eight nine ten first "
    "second third according reported told news people get got make made take took go went come came see "
    "seen know known well back way part number including another around set put use used want wanted "
    "going gone s t re ve ll d m don didn doesn isn wasn aren weren won can't ",
    /* de */
    "aber alle allem allen aller alles als also am an ander andere anderen anderer anderes auch auf aus "
    "bei beim bereits bin bis bisher bist da dabei dadurch dafur dagegen daher damit dann darauf daruber "
    "darum das dass dazu dein deine dem den denen denn der deren des dessen deshalb dich die dies diese "
    "diesem diesen dieser dieses dir doch dort du durch ein eine einem einen einer eines einige einigen "
    "er es etwa euch euer eure fur gegen gewesen hab habe haben hat hatte hatten hier hin hinter ich ihm "
    "ihn ihnen ihr ihre ihrem ihren ihrer im in indem ins ist ja jede jedem jeden jeder jedes jedoch "
    "jetzt kann kein keine keinem keinen keiner konnen konnte konnten man manche mehr mein meine mich mir "
    "mit muss mussen nach nachdem neben nicht nichts noch nun nur ob oder ohne schon sehr sei seien sein "
    "seine seinem seinen seiner seit sich sie sind so sogar solche soll sollen sollte sollten sondern "
    "sowie uber um und uns unser unsere unter viel viele vom von vor wahrend war waren warum was weil "
    "weiter weitere welche welchem welchen welcher wenn wer werde werden wie wieder will wir wird "
    "wirklich wo wollen wollte worden wurde wurden zu zum zur zwar zwei drei vier funf zwischen jahr "
    "jahre jahren tag tage tagen woche wochen monat monate heute gestern morgen montag dienstag mittwoch "
    "donnerstag freitag samstag sonntag januar februar marz april mai juni juli august september oktober "
    "november dezember uhr laut sagte sagt sagten erklarte hieß hiess neue neuen neuer neues ersten erste "
    "erster mal immer ganz gibt gab geht ging kam kommt rund fast ende beim ab ",
    /* es */
    "a al algo algunas algunos ante antes aquel aquella aquellas aquellos aqui asi aun aunque bajo bien "
    "cada casi como con contra cual cuales cuando cuyo de del desde donde dos durante e el ella ellas "
    "ello ellos en entre era eran es esa esas ese eso esos esta estaba estaban estado estan estar este "
    "esto estos fue fueron ha haber habia habian han hasta hay he la las le les lo los mas me mi mientras "
    "mismo mucho muchos muy nada ni no nos nosotros nuestra nuestro o otra otras otro otros para pero "
    "poco por porque pues que quien quienes se sea ser si sido siempre sin sino sobre solo son su sus "
    "tambien tan tanto te tener tiene tienen todo todos toda todas tras tres tu u un una uno unos unas "
    "usted ya y yo ano anos dia dias semana semanas mes meses hoy ayer manana lunes martes miercoles "
    "jueves viernes sabado domingo enero febrero marzo abril mayo junio julio agosto septiembre octubre "
    "noviembre diciembre segun dijo dice afirmo explico senalo aseguro indico nuevo nueva nuevos primer "
    "primera primero vez veces parte hace hecho puede pueden podria ",
    /* fr */
    "a ai aie ainsi alors apres au aucun aupres aussi autre autres aux avait avaient avant avec avoir c "
    "ce ceci cela celle celles celui ces cet cette chaque chez comme comment contre d dans de des deja "
    "depuis deux dont du elle elles en encore entre est et etaient etait ete etre eu eux fait faire fois "
    "hors il ils j je jusqu jusque l la le les leur leurs lors lui m ma mais me meme mes moi moins mon n "
    "ne ni non nos notre nous on ont or ou par parce pas pendant peu peut plus plusieurs pour pourquoi "
    "pres puis qu quand que quel quelle quelles quels qui quoi s sa sans se selon ses si sien son sont "
    "sous sur t ta tandis te tes toi ton tous tout toute toutes tres trois tu un une unes uns vers via "
    "vos votre vous y annee annees an ans jour jours semaine semaines mois aujourd hui hier demain lundi "
    "mardi mercredi jeudi vendredi samedi dimanche janvier fevrier mars avril mai juin juillet aout "
    "septembre octobre novembre decembre dit a declare selon nouveau nouvelle nouveaux premier premiere "
    "fois ",
    /* tr */
    "acaba ama ancak artik aslinda az bana bazi belki ben beni benim bile bir biri birkac birisi biz bize "
    "bizi bizim bu buna bunda bundan bunu bunun burada cok cunku da daha dahi de defa degil diger diye "
    "dolayi en gibi go gore hem hep hepsi her hic icin ile ilgili ise iste iki uc dort bes kadar karsi "
    "kendi kendine kez ki kim kimse mi mu mi milyon milyar na nasil ne neden nerede nicin niye o olan "
    "olarak oldu olduğu oldugu olduklari olmak olmasi olsun olur on ona ondan onlar onlari onlarin onu "
    "onun orada oyle oysa pek ragmen sadece sanki sen siz soyle su sonra ta tarafindan tum ve veya ya "
    "yani yapilan yapti yeni yil yili yilinda gun gunu hafta ay bugun dun yarin pazartesi sali carsamba "
    "persembe cuma cumartesi pazar ocak subat mart nisan mayis haziran temmuz agustos eylul ekim kasim "
    "aralik dedi soyledi belirtti ifade etti ilk son ",
    /* pl */
    "a aby według ale bardzo bez beda bo by byc byl byla byli bylo byly bedzie cala caly co czy dla do dwa dwie "
    "gdy gdzie go ich ile im inne inny ja jak jako je jego jej jest jestem jeszcze jesli juz ktora ktore "
    "ktorego ktorej ktory ktorych ktorym kto ma maja mnie mu my na nad nam nas nie niego niej nim o od "
    "oraz po pod ponad poniewaz przed przez przy sa sie sobie sa ta tak takze tam te tego tej ten to tu "
    "tych tylko tym u w we wiec wszystko wszystkich wiele z za ze zas rok roku lat lata dzien dni tydzien "
    "miesiac dzis dzisiaj wczoraj jutro poniedzialek wtorek sroda czwartek piatek sobota niedziela "
    "stycznia lutego marca kwietnia maja czerwca lipca sierpnia wrzesnia pazdziernika listopada grudnia "
    "powiedzial powiedziala podkreslil dodal nowy nowa nowe pierwszy pierwsza trzy cztery ",
    /* ru */
    "а без более бы был была были было быть в вам вас весь во вот все всего всех вы где да даже для до "
    "его ее её если есть еще ещё же за здесь и из или им их к как как-то когда кто ли либо мне может мы "
    "на над надо наш не него нее неё нет ни них но ну о об однако он она они оно от очень по под после "
    "при про с со так также такой там те тем то того тоже только том тот у уже хотя чего чей чем что "
    "чтобы чье эта эти это этого этой этом этот я год года году лет день дня неделя месяц сегодня вчера "
    "завтра понедельник вторник среда четверг пятница суббота воскресенье января февраля марта апреля мая "
    "июня июля августа сентября октября ноября декабря сказал сказала заявил заявила сообщил сообщила "
    "отметил по словам два три новый новая первый который которая которые которых ",
    /* ar */
    "في من على إلى الى عن مع هذا هذه ذلك تلك التي الذي الذين اللذين اللتين هو هي هم هن نحن أنا انا أنت "
    "انت كان كانت يكون تكون كانوا أن ان إن لا لم لن ما ماذا متى كيف أين اين قد لقد ثم أو او أم بل حتى إذا "
    "اذا لو كل بعض غير بين عند منذ خلال حول ضد دون قبل بعد أمام امام تحت فوق عبر لدى لكن وقد وهو وهي وفي "
    "ومن وعلى وأن وان وكان وكانت فيه فيها منه منها عليه عليها إليه به بها له لها لهم كما أيضا ايضا أكثر "
    "اكثر أي اي يوم اليوم أمس امس غدا عام العام سنة الشهر الأسبوع الاسبوع الأحد الاثنين الإثنين الثلاثاء "
    "الأربعاء الاربعاء الخميس الجمعة السبت يناير فبراير مارس أبريل ابريل مايو يونيو يوليو أغسطس اغسطس "
    "سبتمبر أكتوبر اكتوبر نوفمبر ديسمبر قال قالت وقال وقالت أضاف اضاف وأضاف وفقا حيث إنه انه أنه بأن وذلك ",
    /* it */
    "a ad al alla alle anche ancora avere aveva c che chi ci come con contro cosa cui da dal dalla dei "
    "del della delle dello di dopo dove e ed era erano essere gli ha hanno i il in io la le lei lo loro "
    "lui ma mentre mi molto ne nei nel nella no noi non nostro o ogni per perche piu poi quale quando "
    "quanto quella quello questa questo se sei senza si sia siamo sono sta stato su sua sue sui sul sulla "
    "suo tra tre tutti tutto un una uno due anno anni giorno giorni oggi ieri secondo detto ha detto "
    "nuovo nuova primo prima ",
    /* pt */
    "a ao aos as com como da das de dela dele do dos e ela ele eles em entre era eram essa esse esta este "
    "eu foi foram ha isso isto ja lhe mais mas me mesmo muito na nas nao nem no nos o os ou para pela "
    "pelo por qual quando que quem se sem ser seu sua suas seus so sobre tambem tem ter um uma uns umas "
    "dois tres ano anos dia dias hoje ontem segundo disse novo nova primeiro ",
};

/* open addressing over folded words kept in one arena */
struct mw_story_stop {
    struct mw_story_chrome *chrome;
    char **slot;
    size_t cap;
    char *arena;
    size_t used, size;
};

static uint32_t fnv(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static size_t find(const struct mw_story_stop *st, const char *w)
{
    size_t i = fnv(w) & (st->cap - 1);
    while (st->slot[i] && strcmp(st->slot[i], w))
        i = (i + 1) & (st->cap - 1);
    return i;
}

static int add_token(void *ctx, const struct mw_story_token *t)
{
    struct mw_story_stop *st = ctx;
    size_t i = find(st, t->norm), n = strlen(t->norm) + 1;
    if (st->slot[i] || st->used + n > st->size)
        return 0;
    st->slot[i] = memcpy(st->arena + st->used, t->norm, n);
    st->used += n;
    return 0;
}

struct mw_story_stop *mw_story_stop_new(void)
{
    struct mw_story_stop *st = calloc(1, sizeof *st);
    size_t bytes = 0;
    for (size_t i = 0; i < sizeof LISTS / sizeof LISTS[0]; i++)
        bytes += strlen(LISTS[i]);
    if (st) {
        st->cap = 8192;   /* a power of two, over twice the words */
        st->size = bytes * 2 + 64;
        st->slot = calloc(st->cap, sizeof *st->slot);
        st->arena = malloc(st->size);
        st->chrome = mw_story_chrome_new();
    }
    if (!st || !st->slot || !st->arena || !st->chrome) {
        mw_story_stop_free(st);
        return NULL;
    }
    for (size_t i = 0; i < sizeof LISTS / sizeof LISTS[0]; i++)
        mw_story_tokens(LISTS[i], strlen(LISTS[i]), add_token, st);
    return st;
}

void mw_story_stop_free(struct mw_story_stop *s)
{
    if (!s)
        return;
    mw_story_chrome_free(s->chrome);
    free(s->slot);
    free(s->arena);
    free(s);
}

int mw_story_stop_has(const struct mw_story_stop *s, const char *norm)
{
    return s->slot[find(s, norm)] != NULL;
}

int mw_story_stop_chrome(const struct mw_story_stop *s, const char *stem)
{
    return mw_story_chrome_weight(s->chrome, stem);
}
