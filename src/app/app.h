/*
 * app.h - the interactive program's state, with no windowing library in sight.
 *
 * The platform layer (src/platform) turns every window event into one km_input
 * and calls km_app_input; it calls km_app_tick when time passes, and when
 * km_app_needs_redraw says so it draws: the diagram from km_app_scene and
 * the rest of the screen by walking the list of km_ui_item that
 * km_app_layout produced (the microui habit: the core says what to draw,
 * the host draws it).  Unit tests drive the same functions with synthetic
 * inputs and a fake text measurer, so everything a user can do is testable
 * without a display.
 *
 * Coordinates are window pixels; "L" sizes in comments are logical pixels,
 * multiplied by the display's scale (km_input.scale on resize).
 */
#ifndef KM_APP_H
#define KM_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/atlas.h"
#include "../core/drawing.h"
#include "../core/lookup.h"
#include "../core/scene.h"
#include "../chart/layout.h"
#include "config.h"
#include "marks.h"
#include "reach.h"
#include "handoff.h"
#include "pinhash.h"
#include "pinlock.h"

/* ---- input: the app's own small vocabulary ------------------------- */

typedef enum km_input_kind {
    KM_IN_DOWN,   /* a finger or the left mouse button went down */
    KM_IN_MOVE,   /* ... moved while down */
    KM_IN_UP,     /* ... lifted */
    KM_IN_HOVER,  /* the mouse moved with no button down */
    KM_IN_WHEEL,  /* wheel at (x, y); wheel > 0 is away from the user */
    KM_IN_KEY,    /* key press */
    KM_IN_RESIZE, /* new drawable size w x h, scale = pixels per logical px */
    KM_IN_CLOSE,  /* the window manager asks to close (also Alt+F4) */
    KM_IN_LEAVE,  /* the mouse left the window */
    KM_IN_TEXT,   /* text typed (after the keyboard layout and any input method): text */
    KM_IN_TASK_DONE, /* a request the host carried out in the background finished: task, ok, text */
} km_input_kind;

/* What the host does in the background for the app (one at a time): the
 * slow requests, whose result comes back as a KM_IN_TASK_DONE input. */
typedef enum km_task { KM_TASK_NONE = 0, KM_TASK_EXPORT, KM_TASK_HANDOFF, KM_TASK_HANDOUT } km_task;

typedef enum km_key {
    KM_KEY_OTHER = 0,
    KM_KEY_ESCAPE,
    KM_KEY_F4,
    KM_KEY_Q,
    KM_KEY_W,
    KM_KEY_Z,
    KM_KEY_Y,
    KM_KEY_DIGIT, /* 0-9, digit in .digit */
    KM_KEY_ENTER,
    KM_KEY_BACKSPACE,
    KM_KEY_PLUS,
    KM_KEY_MINUS,
    KM_KEY_TAB,
} km_key;

typedef struct km_input {
    km_input_kind kind;
    uint64_t time_ms; /* monotonic milliseconds (every kind) */
    int pointer;      /* DOWN/MOVE/UP: 0 = mouse, else a finger's own id */
    bool touch;       /* from a touchscreen (hover never is) */
    float x, y;       /* DOWN/MOVE/UP/HOVER/WHEEL: window pixels */
    float wheel;      /* WHEEL: notches */
    km_key key;       /* KEY */
    int digit;        /* KEY with KM_KEY_DIGIT */
    bool ctrl, alt, shift;
    int w, h;         /* RESIZE: drawable pixels */
    float scale;      /* RESIZE: pixels per logical pixel (>= 1 on HiDPI) */
    const char *text; /* TEXT: the UTF-8 typed; TASK_DONE: the path, code or printer job, or the reason it
                         failed.  Borrowed for the call only. */
    km_task task;     /* TASK_DONE: which request */
    bool ok;          /* TASK_DONE: it was done */
} km_input;

/* ---- what the platform draws besides the diagram ------------------- */

typedef enum km_action {
    KM_ACT_NONE = 0,
    KM_ACT_MODE,          /* arg: km_mode */
    KM_ACT_SELECT,        /* arg: muscle, arg2: side (from the list or a candidate) */
    KM_ACT_UNSELECT,      /* arg: index in the selection */
    KM_ACT_FOCUS,         /* arg: index in the selection */
    KM_ACT_SIDE,          /* arg: side for the focused selection */
    KM_ACT_CLEAR,         /* clear the selection */
    KM_ACT_COMPARE,       /* toggle compare */
    KM_ACT_DEEP,          /* toggle the deep layer */
    KM_ACT_ZOOM_RESET,
    KM_ACT_EXPORT,
    KM_ACT_SAVE_MARKS,
    KM_ACT_DONE,          /* kiosk: wipe for the next patient */
    KM_ACT_TOOL,          /* arg: km_tool */
    KM_ACT_BRUSH,         /* arg: brush size 0..2 */
    KM_ACT_INTENSITY,     /* arg: -1 or +1 */
    KM_ACT_UNDO,
    KM_ACT_REDO,
    KM_ACT_CLEAR_MARKS,
    KM_ACT_TIMER,         /* arg: stretch index */
    KM_ACT_ATTRACT,       /* leave the attract screen */
    KM_ACT_PIN_DIGIT,     /* arg: 0..9 */
    KM_ACT_PIN_BACK,
    KM_ACT_PIN_OK,
    KM_ACT_PIN_CANCEL,
    KM_ACT_QUIT,          /* windowed only */
    KM_ACT_BACK,          /* undo the last selection change */
    KM_ACT_PICK,          /* arg: index in the "Which one did you mean?" list */
    KM_ACT_PICK_CANCEL,
    KM_ACT_CONFIRM,       /* arg: 1 go ahead, 0 keep going, 2 save first (quit) */
    KM_ACT_HANDOFF,       /* kiosk: send the drawing to the clinician under a code */
    KM_ACT_HANDOFF_CLOSE, /* close the "Tell reception" card */
    KM_ACT_PATIENTS,      /* desktop: list the patients' drawings sent from a kiosk (arg 0 closes) */
    KM_ACT_OPEN_CODE,     /* arg: index in app->inbox: open that drawing */
    KM_ACT_SCROLL,        /* arg: pages to scroll the panel down (negative: up) */
    KM_ACT_PIN_LEVEL,     /* arg: -1 or +1 to the selected pin's intensity */
    KM_ACT_PIN_DELETE,    /* remove the selected pin */
    KM_ACT_HANDOUT,       /* arg: KM_HANDOUT_SAVE or KM_HANDOUT_PRINT */
    KM_ACT_CLOSE_DETAIL,  /* arg: atlas view: close the close-up a tap opened */
    KM_ACT_EXPORT_GO,     /* the export dialog's Export: export with the title and notes typed */
    KM_ACT_EXPORT_CANCEL, /* the export dialog's Cancel */
    KM_ACT_FIELD,         /* arg: the export dialog's field to type in (0 title, 1 notes) */
    KM_ACT_STATUS_CLOSE,  /* dismiss the status line */
} km_action;

/* What the host does with a handout the app asks for (want_handout). */
enum { KM_HANDOUT_NONE = 0, KM_HANDOUT_SAVE, KM_HANDOUT_PRINT };

typedef enum km_tool { KM_TOOL_BRUSH = 0, KM_TOOL_ERASER, KM_TOOL_PIN } km_tool;

typedef enum km_ui_kind {
    KM_UI_FILL,   /* rect filled with color */
    KM_UI_TEXT,   /* one line at (x, y) aligned in w */
    KM_UI_WRAP,   /* wrapped text inside w from (x, y) */
    KM_UI_BUTTON, /* rect with label (and sub-label) */
    KM_UI_SWATCH, /* palette colour slot in arg */
    KM_UI_CLIP,   /* following items are clipped to rect (w == 0: no clip) */
    KM_UI_RING,   /* progress ring in the square rect: arg = permille done, color = its colour */
    KM_UI_DRAWING, /* a stretch's drawing in the square rect: arg = the stretch's index */
    KM_UI_PICTURE, /* a picture scaled into the rect: arg = a stretch's index (its photo), or -1 (the clinic's logo) */
    KM_UI_FIELD,   /* a text field: text (sub: the grey hint while empty), active = has the caret (drawn after
                      the text, which scrolls left to keep it in view) */
} km_ui_kind;

typedef enum km_color {
    KM_C_BG = 0, KM_C_TOPBAR, KM_C_PANEL, KM_C_CARD, KM_C_TEXT, KM_C_MUTED, KM_C_HEADING,
    KM_C_ACCENT, KM_C_ON_ACCENT, KM_C_ERROR, KM_C_OK, KM_C_SCRIM, KM_C_BORDER, KM_C_ESSENTIAL,
    KM_C_COUNT
} km_color;

typedef enum km_button_style {
    KM_BTN_NORMAL = 0, /* outlined */
    KM_BTN_PRIMARY,    /* filled accent */
    KM_BTN_TAB,        /* mode tab: active = current mode */
    KM_BTN_ROW,        /* full-width list row, left-aligned, optional sub-label */
    KM_BTN_KEY,        /* PIN pad key */
    KM_BTN_GHOST,      /* invisible touch area */
} km_button_style;

typedef struct km_ui_item {
    km_ui_kind kind;
    km_rect r;
    const char *text;  /* borrowed (atlas, static, or the app's text arena) */
    const char *sub;   /* BUTTON: optional second line */
    int px;            /* font size in window pixels */
    bool bold;
    km_color color;
    int align;         /* 0 left, 1 centre, 2 right (TEXT, BUTTON) */
    km_button_style style;
    bool active;       /* BUTTON: toggled on / current */
    bool enabled;      /* BUTTON: false = drawn dimmed, not hit */
    bool panel;        /* inside the scrolling panel (hit only inside it) */
    bool overlay;      /* part of a modal overlay */
    int swatch;        /* BUTTON/SWATCH: palette slot to show, -1 none */
    km_action action;
    int arg, arg2;
} km_ui_item;

/* Text measurement supplied by the platform (its font library) or a test fake. */
typedef struct km_measure {
    void *ctx;
    int (*text_w)(void *ctx, const char *utf8, int px, bool bold);
    int (*wrap_h)(void *ctx, const char *utf8, int px, bool bold, int w);
} km_measure;

#define KM_APP_MAX_VIEWS KM_CHART_MAX_VIEWS
#define KM_UI_MAX 600
#define KM_APP_TEXT_ARENA 32768

typedef struct km_app_settings {
    bool kiosk;
    int idle_timeout_s;     /* kiosk: idle seconds before the countdown */
    int countdown_s;        /* kiosk: seconds of countdown */
    char pin_hash[KM_PIN_HASH_MAX]; /* crypt "$y$..."; "" = admin exit disabled */
    char pin_state_file[KM_PATH_MAX]; /* PIN lockout kept here across restarts; "" = memory only */
    unsigned export_mode;   /* permissions of exports and saved marks (0 = 0600) */
    int retention_days;     /* knotmap's files in export_dir older than this are deleted; 0 = keep */
    km_mode start_mode;
    km_log_level log_level;
    char export_dir[KM_PATH_MAX];
    char printer[KM_TEXT_SETTING_MAX];       /* "" = the system's default */
    char kiosk_printer[KM_TEXT_SETTING_MAX]; /* "" = no printing in the kiosk */
    char clinic_name[KM_TEXT_SETTING_MAX];   /* "" = none */
    char clinic_contact[KM_TEXT_SETTING_MAX];
    char clinic_logo[KM_PATH_MAX];           /* PNG or JPEG; "" = none */
} km_app_settings;

typedef enum km_idle_phase { KM_IDLE_ACTIVE = 0, KM_IDLE_COUNTDOWN, KM_IDLE_ATTRACT } km_idle_phase;

/* One pointer (finger or mouse) currently down. */
typedef struct km_pointer {
    bool down;
    int id;
    bool touch;
    float x0, y0, x, y; /* where it went down, where it is */
    uint64_t t0;
    int target;         /* internal: what it went down on */
    int item;           /* UI item under it at down, -1 none */
    int view;           /* diagram view under it, -1 none */
    bool dragging;      /* moved past the tap distance */
    bool corner;        /* went down in the admin corner */
    uint64_t t_move;    /* last down or move: held still past the idle time, it counts as lifted */
} km_pointer;

typedef void (*km_log_fn)(void *ctx, const char *line);

/* The candidates drawn on the chart (the top three), each with its palette
 * slot: a muscle keeps its colour as long as it stays on screen. */
typedef struct km_app_shown {
    km_scene_sel s[3];
    int n;
} km_app_shown;

/* What Back brings back: a selection (Explore) and a tapped place (Where). */
typedef struct km_app_undo {
    km_scene_sel sel[KM_SCENE_MAX_SELECTED];
    int sel_count, focus;
    bool where_set;
    int where_view;
    km_vec2 where_pt;
    uint32_t open_details;
    km_side detail_side;
} km_app_undo;

#define KM_APP_BACK_MAX 32
/* The export dialog's fields, in bytes with the NUL (the export's own
 * limit on a title is 200 bytes: KM_EXPORT_MAX_TITLE). */
#define KM_APP_FIELD_MAX 201
enum { KM_FIELD_TITLE = 0, KM_FIELD_NOTES, KM_FIELD_COUNT };
#define KM_APP_MAX_FLAGS 8

/* A picture the host read (the clinic's logo, a stretch's photo): ARGB
 * pixels, borrowed from the host, which keeps them while the app shows
 * them.  px NULL: none. */
typedef struct km_app_picture {
    const uint32_t *px;
    int w, h;
} km_app_picture;

typedef struct km_app {
    const km_atlas *atlas; /* borrowed; NULL = none loaded (error shown) */
    km_app_settings set;
    km_mode mode;

    /* Explore: the selected muscles, each with its own palette slot. */
    km_scene_sel sel[KM_SCENE_MAX_SELECTED];
    int sel_count;
    int focus;    /* index in sel shown in the panel, -1 none */
    bool compare; /* taps add to the selection instead of replacing it */
    bool show_deep;

    /* Back: earlier selections, oldest first. */
    km_app_undo back[KM_APP_BACK_MAX];
    int back_count;
    int tap_back_depth; /* back_count before the last body tap (a double-tap takes that tap back) */

    /* "Which one did you mean?": the muscles within reach of the last tap. */
    km_reach pick[KM_REACH_MAX];
    int pick_count; /* 0: no picker open */
    int pick_view;
    float pick_x, pick_y; /* where the tap was (window pixels) */
    bool pick_logged;     /* its rows' places are in the debug log */

    /* A question before a destructive action (KM_ACT_DONE, KM_ACT_QUIT), or
     * KM_ACT_NONE. */
    km_action confirm;
    bool marks_dirty; /* marks changed since they were last saved or opened */

    /* Where does it hurt: the last place tapped and its candidates. */
    km_candidates where;
    int where_flags[KM_APP_MAX_FLAGS]; /* red flags of the tapped area (atlas->red_flags) */
    int where_flag_count;
    km_app_shown where_shown;
    bool where_set;
    int where_view, where_area;
    km_vec2 where_pt;

    /* Close-ups a tap on the head, a hand or a foot opened (bit i: atlas
     * view i; km_scene.open_details), and the side they show. */
    uint32_t open_details;
    km_side detail_side;

    /* Mark pain. */
    km_mark_history marks;
    km_tool tool;
    int brush;     /* 0 small, 1 medium, 2 large */
    int intensity; /* next pin, 0..10 */
    int pin_sel;   /* the visible pin tapped (to change or remove), -1 none */
    km_candidates drawn; /* candidates ranked from the drawing */
    km_drawing_summary drawn_summary; /* the drawing measured (core/drawing.h), in step with drawn */
    /* Pictures the host read (borrowed): the clinic's logo for the attract
     * screen, and one photo slot per stretch (NULL array: none). */
    km_app_picture logo;
    const km_app_picture *photos;
    int drawn_flags[KM_APP_MAX_FLAGS]; /* red flags of the areas marked */
    int drawn_flag_count;
    km_app_shown drawn_shown;

    /* Views. */
    km_view_xform xf[KM_APP_MAX_VIEWS]; /* per atlas view; where they sit is km_app_chart */
    int hover_muscle; /* -1 none */
    km_side hover_side;
    float hover_x, hover_y;

    /* Pointers and gestures. */
    km_pointer ptr[2];
    float pinch_d0;              /* finger distance when the pinch began */
    float pinch_mx, pinch_my;    /* midpoint when the pinch began */
    int pinch_view;
    km_view_xform pinch_xf0;     /* that view's transform then */
    uint64_t last_tap_ms;
    float last_tap_x, last_tap_y;

    /* Panel. */
    int scroll;      /* pixels scrolled down */
    int content_h;   /* panel content height at the last layout (the cue's strip included) */
    int cue_h;       /* the "More below" strip at the panel's foot, 0 when everything fits */
    int stretch_timer;  /* stretch index with a running hold timer, -1 */
    uint64_t timer_end_ms;
    uint64_t hold_until_ms; /* the idle clock stands still until then (a hold in progress) */
    int reps_stretch;   /* stretch whose repetitions are counted, -1 */
    int reps_done;      /* holds finished of reps_stretch */
    int shown_hold;     /* hold second (or tenth of the ring) last laid out */

    /* Kiosk. */
    uint64_t now_ms, last_input_ms;
    km_idle_phase idle;
    bool pin_open;
    char pin_entry[KM_PIN_MAX + 1];
    int pin_len;
    km_pinlock pinlock; /* wrong PINs and the lock they earned */
    char pin_note[96];  /* shown on the pad: "Wrong PIN. 2 tries left." */

    /* Status line (export result, errors). */
    char status[512];
    bool status_error;
    uint64_t status_until_ms;

    /* Requests to the host (src/draw/host.c), which carries them out and
     * reports back (km_app_export_done, km_app_marks_saved). */
    bool want_export;
    bool want_save_marks;
    bool want_handoff;      /* kiosk: picture and marks under a new code (km_host_handoff) */
    char handoff_code[KM_HANDOFF_LEN + 1]; /* the code to show the patient, "" none */
    bool want_inbox;        /* desktop: list the hand-offs in the export folder (km_host_list_handoffs) */
    int open_code;          /* desktop: index in inbox to open (km_host_open_code), -1 none */
    bool inbox_open;        /* the "Open patient drawing" list is shown */
    km_handoff_entry inbox[KM_HANDOFF_INBOX];
    int inbox_count;
    bool want_save_pinlock; /* the PIN lockout changed: keep it across restarts */
    bool want_sweep;        /* export_retention_days is due: delete old files */
    int want_handout; /* KM_HANDOUT_SAVE or _PRINT (km_host_handout), else 0 */
    bool want_quit;
    /* The request the host is carrying out in the background (KM_TASK_NONE:
     * none): the app asks for no other slow one until its KM_IN_TASK_DONE
     * arrives, and says "Saving..." meanwhile.  Set by km_app_task_started. */
    km_task task;
    bool task_wiped; /* the wipe came while it ran: its result is not shown */

    /* Desktop: the export dialog (a title and a notes line for the
     * picture, and the handout).  Health data: never logged, cleared by
     * Clear all and the wipe. */
    bool export_open;
    char field[KM_FIELD_COUNT][KM_APP_FIELD_MAX];
    int field_focus; /* the field with the caret */

    /* Layout. */
    int win_w, win_h;
    float ui; /* pixels per logical pixel */
    km_rect top, diagram, toolbar, panel;
    km_rect toast; /* the status line's strip under the diagram (h == 0: none); it never covers the chart */
    km_ui_item items[KM_UI_MAX];
    int item_count;
    char arena[KM_APP_TEXT_ARENA];
    int arena_used;
    km_measure measure;
    bool layout_dirty; /* items must be rebuilt */
    bool redraw;       /* the screen must be redrawn */
    int shown_second;  /* idle countdown second last laid out */
    unsigned long chrome_sum; /* fixed buttons' positions last logged (debug) */
    km_xform logged_place[KM_APP_MAX_VIEWS]; /* each view's transform last logged (debug) */

    km_log_fn log;
    void *log_ctx;
    uint64_t next_sweep_ms; /* next export-folder retention sweep (retention.h); 0 = at the first tick */
} km_app;

/* Set up with settings (copied); atlas may be NULL.  now_ms starts the
 * idle clock. */
void km_app_init(km_app *app, const km_atlas *atlas, const km_app_settings *set, uint64_t now_ms);
void km_app_release(km_app *app);
/* Turn configuration into settings (defaults filled in). */
void km_app_settings_from_config(km_app_settings *s, const km_config *c);
/* Replace the atlas (hot reload): selections and marks are kept by id when
 * the new atlas still has them. */
void km_app_set_atlas(km_app *app, const km_atlas *atlas);
void km_app_set_measure(km_app *app, km_measure m);
void km_app_set_log(km_app *app, km_log_fn fn, void *ctx);

void km_app_input(km_app *app, const km_input *in);
/* Time passed with no input: idle countdown, hold timer, long press. */
void km_app_tick(km_app *app, uint64_t now_ms);
/* Milliseconds until the app next needs a tick (-1: only on input). */
int km_app_next_wake(const km_app *app);
bool km_app_needs_redraw(const km_app *app);
void km_app_drawn(km_app *app);

/* Rebuild the UI items if needed (done automatically before hit tests). */
void km_app_layout(km_app *app);
/* The chart as the app shows it: the layout of km_app_scene in the
 * diagram rect (set on every resize).  The renderer draws the same
 * scene in the same rect, so this is where every view is on screen, before
 * or after a frame is drawn. */
void km_app_chart(const km_app *app, km_layout *L);
/* Describe the diagram.  The scene borrows from the app: valid until the
 * next km_app_input/tick.  Allocates nothing. */
void km_app_scene(const km_app *app, km_scene *s);

/* The host took a request to carry out in the background: the button that
 * asked reads "Saving..." (not the status line, which would shrink the
 * chart) and the app asks for no other until the KM_IN_TASK_DONE input. */
void km_app_task_started(km_app *app, km_task task);
/* The scene an export of what the app shows draws: km_app_scene without
 * the mouse's hover, with the title and notes typed in the export dialog
 * (the host adds the footer, and the atlas's title when none was typed).
 * Borrows from the app like km_app_scene. */
void km_app_export_scene(const km_app *app, km_scene *s);
/* The title and the notes typed in the export dialog, NULL when empty. */
const char *km_app_title(const km_app *app);
const char *km_app_notes(const km_app *app);

/* Report the host's export outcome (after want_export). */
void km_app_export_done(km_app *app, bool ok, const char *path_or_error);
/* Report the host's hand-off outcome (after want_handoff): the code, or
 * the reason it failed (logged, never shown: a patient cannot act on a
 * path). */
void km_app_handoff_done(km_app *app, bool ok, const char *code_or_error);
/* Report the host's handout outcome (after want_handout): saved to a path,
 * sent to a printer ("printer job N"), or why not. */
void km_app_handout_done(km_app *app, bool ok, const char *what);
/* Whether the app may ask for a printed handout: on the desktop always
 * (the system's default printer when none is set); in a kiosk only when
 * kiosk_printer is set. */
bool km_app_can_print(const km_app *app);
/* Report the host's save-marks outcome (after want_save_marks). */
void km_app_marks_saved(km_app *app, bool ok, const char *path_or_error);
/* Show a message in the status line. */
void km_app_status(km_app *app, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Forget the patient: selection, marks, zoom, panel.  reason for the log. */
void km_app_wipe(km_app *app, const char *reason);
/* Apply a UI action as if its button was tapped.  The arguments must be
 * those a button could carry (a stretch index for KM_ACT_TIMER, a mode for
 * KM_ACT_MODE ...): anything else is a programmer error (KM_ASSERT). */
void km_app_action(km_app *app, km_action act, int arg, int arg2);
/* Log one line at a level (printf format), through the log callback. */
void km_app_log(km_app *app, km_log_level level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Open marks (and their selection) read from a marks file named name
 * (the host reads it: km_host_load_marks); false with the reason in the
 * status line. */
bool km_app_open_marks(km_app *app, const km_marks *m, const char *name);

/* The palette slot a candidate is drawn in, -1 when it is not on the chart. */
int km_app_shown_color(const km_app_shown *sh, int muscle, km_side side);

#endif
