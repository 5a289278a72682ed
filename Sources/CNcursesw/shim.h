#ifndef KF_CNCURSESW_SHIM_H
#define KF_CNCURSESW_SHIM_H

// The wide-character API (cchar_t, wget_wch, mvwadd_wch) is only declared with these set.
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <langinfo.h>
#include <locale.h>
#include <string.h>
#include <wchar.h>
#include <ncursesw/ncurses.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

// Swift 6 refuses ncurses' mutable C globals (stdscr, COLS, ...) and cannot import
// function-like macros (A_BOLD, KEY_F(n), COLOR_PAIR); these inline wrappers expose them.

static inline WINDOW *kf_stdscr(void) { return stdscr; }
static inline int kf_cols(void) { return COLS; }
static inline int kf_lines(void) { return LINES; }
static inline int kf_colors(void) { return COLORS; }
static inline int kf_color_pairs(void) { return COLOR_PAIRS; }

static inline attr_t kf_attr_normal(void) { return A_NORMAL; }
static inline attr_t kf_attr_bold(void) { return A_BOLD; }
static inline attr_t kf_attr_dim(void) { return A_DIM; }
static inline attr_t kf_attr_reverse(void) { return A_REVERSE; }
static inline attr_t kf_attr_underline(void) { return A_UNDERLINE; }

static inline int kf_key_f(int n) { return KEY_F(n); }
static inline int kf_key_f0(void) { return KEY_F0; }
static inline int kf_key_code_yes(void) { return KEY_CODE_YES; }

// The screen thread's name in top and gdb; prctl is variadic, which Swift cannot call.
static inline void kf_name_this_thread(const char *name) {
#ifdef __linux__
    prctl(PR_SET_NAME, name, 0, 0, 0);
#else
    (void)name;
#endif
}

// newterm instead of initscr: initscr exits the process when the terminal is unusable, newterm returns NULL.
static inline SCREEN *kf_newterm(void) { return newterm(NULL, stdout, stdin); }

// ncurses picks UTF-8 output from the locale, so the locale must come from the environment first.
static inline int kf_setlocale_from_environment(void) { return setlocale(LC_ALL, "") != NULL; }

static inline int kf_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

// glibc declares wcwidth only for _XOPEN_SOURCE; tests compare the dashboard's own width table with it.
extern int wcwidth(wchar_t c);
static inline int kf_wcwidth(wchar_t c) { return wcwidth(c); }

// Draws one grapheme (base scalar plus combining scalars, NUL-terminated) at row y, column x.
static inline int kf_put_cell(WINDOW *window, int y, int x, const wchar_t *grapheme, attr_t attrs, short pair) {
    cchar_t cell;
    if (setcchar(&cell, grapheme, attrs, pair, NULL) != OK) return ERR;
    return mvwadd_wch(window, y, x, &cell);
}

#endif
