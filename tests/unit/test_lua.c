/* tests/unit/test_lua.c: the Lua API of design.md through the sandbox: html documents and nodes, node
 * lifetime after remove(), json, date, url, text and extract.generic. Each row is a Lua chunk that asserts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lua/sandbox.h"

#define PAGE \
    "local doc = html.parse([[<html lang='en'><head><title>Harbour reopens | Harbor Times</title>" \
    "<meta property='og:title' content='Harbour reopens'><link rel='canonical' href='/news/1.html'></head>" \
    "<body><nav><a href='/'>Home</a></nav><article id='story' class='story main'><h1>Harbour reopens</h1>" \
    "<p class='lead'>The harbour is open again.</p><p>Second <b>paragraph</b> here.</p>" \
    "<ul><li>one</li><li>two</li></ul><img src='/img/a.jpg'></article>" \
    "<div class='share'>Share this</div></body></html>]], {url = 'https://harbor.example/news/1.html'})\n"

static const struct { const char *name, *code; } ROWS[] = {
    {"select", PAGE "local ps = doc:select('article p') assert(#ps == 2, #ps)\n"
               "assert(ps[1]:text() == 'The harbour is open again.')\n"
               "assert(ps[2]:text() == 'Second paragraph here.', ps[2]:text())\n"
               "assert(doc:first('nope') == nil)\n"
               "assert(#doc:select('li') == 2 and doc:first('li'):text() == 'one')"},
    {"node methods", PAGE "local a = doc:first('#story')\n"
                     "assert(a:tag() == 'article' and a:attr('class') == 'story main')\n"
                     "assert(a:attr().id == 'story' and a:attr('missing') == nil)\n"
                     "assert(tostring(a) == '<article#story.story.main>', tostring(a))\n"
                     "local p = a:first('p') assert(p:parent() == a and p:closest('article') == a)\n"
                     "assert(p:next():text() == 'Second paragraph here.' and p:prev():tag() == 'h1')\n"
                     "assert(#a:children() == 5 and a:children()[3]:tag() == 'p')\n"
                     "assert(p:html():find('^<p class=\"lead\">'), p:html())\n"
                     "assert(a:select('p')[1] == p and p:doc() == doc)"},
    {"block text", PAGE "local t = doc:first('article'):text()\n"
                   "assert(t == 'Harbour reopens\\n\\nThe harbour is open again.\\n\\nSecond paragraph here.\\n\\none\\n\\ntwo', t)\n"
                   "assert(doc:first('article'):text('inline'):find('again. Second'))"},
    {"xpath", PAGE "local v = doc:xpath('//meta[@property=\"og:title\"]/@content') assert(v[1] == 'Harbour reopens')\n"
              "assert(doc:xpath('count(//p)') == 2 and doc:xpath('boolean(//nav)') == true)\n"
              "assert(doc:xpath('string(//h1)') == 'Harbour reopens')\n"
              "assert(not pcall(doc.xpath, doc, '//['))"},
    {"remove and lifetime", PAGE "local a = doc:first('article') local p = a:first('p')\n"
                            "doc:first('.share'):remove() assert(doc:first('.share') == nil)\n"
                            "a:remove() assert(#doc:select('p') == 0)\n"
                            "assert(a:text():find('Harbour reopens'))\n"
                            "local ok, e = pcall(p.text, p) assert(not ok and e:find('ancestor was removed'), e)\n"
                            "local ok2 = pcall(p.remove, p) assert(not ok2)\n"
                            "doc = nil a = nil collectgarbage('count')"},
    {"bad selector", PAGE "local ok, e = pcall(doc.select, doc, 'a[href')\n"
                     "assert(not ok and e:find('a%[href') and e:find('column 7'), e)"},
    {"meta", PAGE "local m = doc:meta() assert(m.title == 'Harbour reopens', m.title)\n"
             "assert(m.canonical_url == 'https://harbor.example/news/1.html', m.canonical_url)"},
    {"extract.generic", PAGE "local r = extract.generic(doc)\n"
                        "assert(r.rule == 'generic' and r.title == 'Harbour reopens')\n"
                        "assert(r.body:find('The harbour is open again.', 1, true) and not r.body:find('Share this'))\n"
                        "assert(type(r.authors) == 'table' and r.origin.body:match('^generic'))"},
    {"json", "local t = json.decode('{\"a\": [1, 2.5, null, \"x\"], \"b\": {\"c\": true}}')\n"
             "assert(t.a[1] == 1 and t.a[2] == 2.5 and t.a[3] == json.null and t.a[4] == 'x' and t.b.c == true)\n"
             "assert(json.encode({b = 1, a = {}, c = json.object()}) == '{\"a\":[],\"b\":1,\"c\":{}}')\n"
             "local v, e = json.decode('{bad') assert(v == nil and e:find('line 1'), e)\n"
             "assert(not pcall(json.encode, {f = print}))\n"
             "assert(not pcall(json.encode, '\\255'))\n"
             "local cyc = {} cyc.self = cyc assert(not pcall(json.encode, cyc))"},
    {"date", "assert(date.parse('14.01.2020', {tz = '+03:00'}) == '2020-01-14')   -- a date stays a date\n"
             "assert(date.parse('Tue, 14 Jan 2020 12:05:00 GMT') == '2020-01-14T12:05:00+00:00')\n"
             "assert(date.parse('January 14, 2020') == '2020-01-14')\n"
             "assert(date.parse('14 January 2020 12:05', {tz = '+03:00'}) == '2020-01-14T12:05:00+03:00')\n"
             "assert(date.parse('1579003500', {format = 'unix'}) == '2020-01-14T12:05:00+00:00')\n"
             "local v, e = date.parse('6 days ago') assert(v == nil and e)"},
    {"url and text", "assert(url.resolve('https://a.example/b/c', '../d') == 'https://a.example/d')\n"
                     "assert(url.normalize('HTTPS://A.example/x?utm_source=1') == 'https://a.example/x')\n"
                     "assert(url.host('https://WWW.a.example/') == 'www.a.example')\n"
                     "assert(text.clean('  a\\n\\t b\\u{a0}c ') == 'a b c')\n"
                     "assert(text.clean('a\\n\\n\\nb', {breaks = true}) == 'a\\n\\nb')"},
    {"http refused", "local ok, e = pcall(http.get, 'http://127.0.0.1:9/') assert(not ok and e:find('not allowed'), e)"},
    /* issue 13 */
    {"namespace axis", PAGE "local r = doc:xpath('//h1/namespace::*') assert(#r == 1 and r[1]:find('XML/1998'), r[1])\n"
                       "assert(doc:xpath('count(//h1/namespace::*)') == 1)"},
    {"closed document", "local n, d do local x <close> = html.parse('<p id=a class=b>x</p>') n = x:first('p') d = x end\n"
                        "assert(tostring(n) == '<node of a closed document>', tostring(n))\n"
                        "for _, m in ipairs({'text', 'attr', 'html', 'tag', 'parent', 'remove', 'select'}) do\n"
                        "  local ok, e = pcall(n[m], n, 'p') assert(not ok and e:find('closed'), m .. ': ' .. tostring(e))\n"
                        "end\n"
                        "local ok, e = pcall(d.select, d, 'p') assert(not ok and e:find('already closed'), e)\n"
                        "assert(not (n == n:doc()) and tostring(d) == 'document(-)')"},
    {"long node names cut", "local d = html.parse('<p id=\"' .. string.rep('i', 400) .. '\" class=\"a b\">x</p>')\n"
                            "local s = tostring(d:first('p')) assert(#s < 210 and s:sub(1, 5) == '<p#ii', s)"},
    {"json.object locked", "local ok, e = pcall(json.object, string) assert(not ok and e:find('already has a metatable'), e)\n"
                           "assert(getmetatable(json.object()) == 'json.object')\n"
                           "local o = json.object({a = 1}) assert(json.object(o) == o)"},
    {"selector limits", PAGE "local ok, e = pcall(doc.select, doc, 'p' .. string.rep(':has(', 17) .. 'b' .. string.rep(')', 17))\n"
                        "assert(not ok and e:find('nested too deeply'), e)\n"
                        "assert(#doc:select('article:has(p:has(b))') == 1)\n"
                        "local ok2, e2 = pcall(doc.xpath, doc, string.rep('(', 9000)) assert(not ok2 and e2:find('longer than'), e2)"},
    {"patterns and tables as Lua 5.4 has them", "local s, n = ('hello world'):gsub('o', '0', 1) assert(s == 'hell0 world' and n == 1)\n"
        "assert(select(2, ('abc'):gsub('', '-')) == 4 and ('abc'):gsub('', '-') == '-a-b-c-')\n"
        "assert(('x = 1, y = 2'):gsub('(%w+) = (%w+)', '%2 = %1') == '1 = x, 2 = y')\n"
        "local a, b, c = ('[key] value'):find('^%[(%w+)%]%s*(.-)$') assert(a == 1 and b == 11 and c == 'key')\n"
        "assert(('THE (quick) fox'):find('%((%a+)%)') == 5 and ('f(a(b)c)d'):match('%b()') == '(a(b)c)')\n"
        "assert(('THE (quick) fox'):gsub('%f[%a]%a+', string.lower) == 'the (quick) fox')\n"
        "local t = {} for k, v in ('a=1, b=2'):gmatch('(%w+)=(%w+)') do t[#t + 1] = k .. v end assert(table.concat(t, ' ') == 'a1 b2')\n"
        "assert(('abc'):match('()b()') == 2 and select(2, ('abc'):match('()b()')) == 3)\n"
        "assert(('a\\0b'):find('%z') == 2 and ('[x] {z'):find('%z') == nil and ('z\\0'):find('%Z+') == 1)\n"
        "assert(not pcall(string.find, 'x', '[a') and not pcall(string.gsub, 'x', 'x', '%2') and not pcall(string.rep))\n"
        "local u = {5, 2, 8, 1} table.sort(u) assert(table.concat(u, ',') == '1,2,5,8')\n"
        "table.sort(u, function(x, y) return x > y end) assert(table.concat(u, ',') == '8,5,2,1')\n"
        "table.insert(u, 1, 9) table.insert(u, 0) assert(table.concat(u, ',') == '9,8,5,2,1,0' and table.remove(u, 1) == 9)\n"
        "assert(table.concat(table.move({1, 2, 3}, 1, 3, 2), ',') == '1,1,2,3' and select('#', table.unpack({1, 2, nil, 4}, 1, 4)) == 4)\n"
        "local co = coroutine.wrap(function(x) local y = coroutine.yield(x + 1) return y * 2 end) assert(co(1) == 2 and co(5) == 10)\n"
        "local c2 = coroutine.create(function() error('inside') end) local ok, e = coroutine.resume(c2) assert(not ok and e:find('inside'))\n"
        "assert(coroutine.status(c2) == 'dead' and coroutine.close(c2) == false)"},
    {"charset", "local d = html.parse('<html><head><meta charset=\"windows-1251\"></head><body><p>\\xcf\\xf0\\xe8\\xe2\\xe5\\xf2</p></body></html>')\n"
                "assert(d:first('p'):text() == '\\u{41f}\\u{440}\\u{438}\\u{432}\\u{435}\\u{442}', d:first('p'):text())"},
};

static void test_rows(void **state)
{
    (void)state;
    struct mw_err err = {0};
    struct mw_lua *s = mw_lua_new(NULL, &err);
    assert_non_null(s);
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        mw_err_clear(&err);
        int rc = mw_lua_load(s, ROWS[i].code, strlen(ROWS[i].code), "=test", &err);
        if (!rc)
            rc = mw_lua_call(s, 0, 0, 0, &err);
        if (rc)
            fail_msg("%s: %s", ROWS[i].name, err.msg);
    }
    mw_lua_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_rows)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
