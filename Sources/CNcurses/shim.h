#ifndef CNCURSES_SHIM_H
#define CNCURSES_SHIM_H

// Wide-character API (cchar_t, mvadd_wch, mvaddwstr) is only declared with these set.
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1

#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>
#include <langinfo.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

// Swift 6 rejects reading C mutable globals; these accessors read them instead.
static inline WINDOW *tt_stdscr(void) { return stdscr; }
static inline int tt_cols(void) { return COLS; }
static inline int tt_lines(void) { return LINES; }
static inline int tt_colors(void) { return COLORS; }
static inline int tt_color_pairs(void) { return COLOR_PAIRS; }
static inline int tt_escdelay(void) { return ESCDELAY; }
static inline int tt_set_escdelay(int ms) { return set_escdelay(ms); }

// Macros Swift cannot import.
static inline int tt_key_resize(void) { return KEY_RESIZE; }
static inline attr_t tt_a_bold(void) { return A_BOLD; }
static inline attr_t tt_a_reverse(void) { return A_REVERSE; }
static inline attr_t tt_a_underline(void) { return A_UNDERLINE; }
static inline attr_t tt_a_dim(void) { return A_DIM; }
static inline attr_t tt_a_normal(void) { return A_NORMAL; }

/// Writes one cell: a grapheme cluster's code points (NUL-terminated, at most CCHARW_MAX) with attributes and colour pair.
static inline int tt_put_cell(int y, int x, const wchar_t *chars, attr_t attrs, short pair) {
    cchar_t cell;
    if (setcchar(&cell, chars, attrs, pair, NULL) != OK) return ERR;
    return mvadd_wch(y, x, &cell);
}

static inline int tt_ccharw_max(void) { return CCHARW_MAX; }

static inline int tt_key_mouse(void) { return KEY_MOUSE; }

/// Reports clicks and the wheel (buttons 4 and 5), without the click-timing delay.
static inline void tt_enable_mouse(void) {
    mouseinterval(0);
    mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
}

/// After KEY_MOUSE: 1 for a left click, 4 for wheel up, 5 for wheel down, 0 for anything else; with its cell.
static inline int tt_read_mouse(int *y, int *x) {
    MEVENT event;
    if (getmouse(&event) != OK) return 0;
    *y = event.y;
    *x = event.x;
    if (event.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) return 1;
    if (event.bstate & BUTTON4_PRESSED) return 4;
#ifdef BUTTON5_PRESSED
    if (event.bstate & BUTTON5_PRESSED) return 5;
#endif
    return 0;
}

/// Starts curses on the process's stdin/stdout; NULL when the terminal cannot be used (unlike initscr, which exits).
static inline SCREEN *tt_newterm(void) { return newterm(NULL, stdout, stdin); }

// glibc declares wcwidth only under _XOPEN_SOURCE, which the module build does not see.
extern int wcwidth(wchar_t c);
/// Columns the C library gives a character in the current locale (-1 when unprintable).
static inline int tt_wcwidth(wchar_t c) { return wcwidth(c); }

/// True when the current LC_CTYPE encodes text as UTF-8.
static inline int tt_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (strcasecmp(codeset, "UTF-8") == 0 || strcasecmp(codeset, "utf8") == 0);
}

#endif
