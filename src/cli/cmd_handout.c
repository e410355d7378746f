/*
 * cmd_handout.c - `knotmap handout`: the take-home PDF (src/handout) with
 * the chart drawn as vectors by the same code as every export
 * (src/vector, laid out by src/chart for the box the handout gives it),
 * saved with the export's atomic, no-overwrite writer and/or sent to a
 * printer through CUPS.
 *
 * The muscles explained are the selected ones (--select, and a marks
 * file's selection), or else the top candidates of the marks' pain
 * drawing, ranked by the application's own routine (km_app_open_marks):
 * the handout lists what the Mark pain panel would.  The handout itself is
 * made by km_handout_make (src/handout/make.c), as the window's would be.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "app/app.h"
#include "cli.h"
#include "draw/export.h"
#include "draw/host.h"
#include "handout/make.h"
#include "handout/print.h"
#include "app/handoff.h"

/* How long `--print` waits to see the job through before saying it is queued. */
#define KM_HANDOUT_PRINT_WAIT_MS 30000

typedef struct handout_args {
    const char *out, *select, *marks, *code, *title, *notes, *paper, *printer;
    bool print, force;
} handout_args;

/* `--print` takes an optional printer name: the next word unless it is
 * an option. */
static int print_opt(int argc, char **argv, int *i, handout_args *x)
{
    const char *a = argv[*i];
    if (strncmp(a, "--print", 7) != 0 || (a[7] != 0 && a[7] != '='))
        return 0;
    x->print = true;
    if (a[7] == '=')
        x->printer = a + 8;
    else if (*i + 1 < argc && argv[*i + 1][0] != '-')
        x->printer = argv[++*i];
    return 1;
}

static int parse_args(int argc, char **argv, handout_args *x)
{
    static const km_cli_value_opt opts[] = {
        {"--out", offsetof(handout_args, out)},     {"--select", offsetof(handout_args, select)},
        {"--marks", offsetof(handout_args, marks)}, {"--title", offsetof(handout_args, title)},
        {"--notes", offsetof(handout_args, notes)}, {"--paper", offsetof(handout_args, paper)},
        {"--code", offsetof(handout_args, code)},
    };
    for (int i = 0; i < argc; i++) {
        const char *v = NULL;
        int r = km_cli_opt(argc, argv, &i, "--force", false, &v);
        if (r > 0) {
            x->force = true;
            continue;
        }
        if (r == 0)
            r = print_opt(argc, argv, &i, x);
        if (r == 0)
            r = km_cli_opt_table(argc, argv, &i, opts, (int)(sizeof opts / sizeof *opts), x);
        if (r < 0)
            return KM_EXIT_USAGE;
        if (r == 0)
            return km_cli_usage_error("handout: unknown argument '%s'", argv[i]);
    }
    if (!x->out && !x->print)
        return km_cli_usage_error("handout: needs --out FILE.pdf or --print [PRINTER]");
    size_t n = x->out ? strlen(x->out) : 0;
    if (x->out && (n < 5 || strcmp(x->out + n - 4, ".pdf") != 0))
        return km_cli_usage_error("--out: expected a file name ending in .pdf, got '%s'", x->out);
    km_paper p;
    if (x->paper && !km_paper_parse(x->paper, &p))
        return km_cli_usage_error("--paper: expected a4 or letter, got '%s'", x->paper);
    if (x->code && x->marks)
        return km_cli_usage_error("handout: give either --marks FILE or --code CODE, not both");
    char code[KM_HANDOFF_LEN + 1];
    if (x->code && !km_handoff_parse(x->code, code))
        return km_cli_usage_error("--code: expected the 6-character code a kiosk showed (like K7P-4QX), got '%s'",
                                  x->code);
    if (!x->select && !x->marks && !x->code)
        return km_cli_usage_error("handout: needs --select MUSCLE,..., --marks FILE or --code CODE");
    return KM_EXIT_OK;
}

/* Save and/or print the PDF; the exit status.  setting: the `printer`
 * setting ("" for none). */
static int deliver(const handout_args *x, const char *setting, const char *title, const km_bytes *pdf)
{
    char err[1024];
    if (x->out) {
        if (km_export_bytes(x->out, pdf->data, pdf->len, x->force, "PDF", err, sizeof err) != 0) {
            fprintf(stderr, "knotmap: handout: %s\n", err);
            return KM_EXIT_FAIL;
        }
        printf("%s\n", x->out);
    }
    if (!x->print)
        return KM_EXIT_OK;
    /* The printer named, else the `printer` setting, else the system's default. */
    const char *printer = x->printer && *x->printer ? x->printer : setting && *setting ? setting : NULL;
    int job = km_print_pdf(printer, title ? title : "knotmap handout", pdf->data, pdf->len, err, sizeof err);
    if (job <= 0) {
        fprintf(stderr, "knotmap: handout: %s\n", err);
        return KM_EXIT_FAIL;
    }
    int st = km_print_wait(printer, job, KM_HANDOUT_PRINT_WAIT_MS, err, sizeof err);
    if (st < 0) {
        fprintf(stderr, "knotmap: handout: %s\n", err);
        return KM_EXIT_FAIL;
    }
    printf("printed job %d on %s%s\n", job, printer ? printer : "the default printer", st == 0 ? " (queued)" : "");
    return KM_EXIT_OK;
}

int km_cmd_handout(km_cli *cli, int argc, char **argv)
{
    handout_args x = {0};
    int status = parse_args(argc, argv, &x);
    if (status != KM_EXIT_OK)
        return status;
    km_config cfg;
    if (!km_cli_settings(cli, &cfg))
        return KM_EXIT_DATA;
    /* A kiosk patient's drawing, sent under a code: its marks file in the
     * export folder (the same folder the kiosk wrote it to). */
    char code_path[KM_PATH_MAX + 64];
    if (x.code) {
        char code[KM_HANDOFF_LEN + 1], name[64];
        km_handoff_parse(x.code, code);
        km_handoff_name(code, "json", name, sizeof name);
        km_config_default_export_dir(&cfg);
        snprintf(code_path, sizeof code_path, "%s/%s", cfg.export_dir, name);
        if (access(code_path, F_OK) != 0) {
            char shown[KM_HANDOFF_LEN + 2];
            km_handoff_show(code, shown);
            fprintf(stderr, "knotmap: handout: no drawing was sent under the code %s (looked in %s)\n", shown,
                    cfg.export_dir);
            return KM_EXIT_FAIL;
        }
        x.marks = code_path;
    }
    km_atlas *a = km_cli_load_atlas(cli);
    if (!a)
        return KM_EXIT_DATA;
    km_scene s;
    km_scene_init(&s, a);
    km_marks marks;
    km_marks_init(&marks);
    km_app *app = calloc(1, sizeof *app);
    km_bytes pdf = {0};
    char err[1024];
    status = KM_EXIT_USAGE;
    if (!app) {
        fprintf(stderr, "knotmap: handout: out of memory\n");
        status = KM_EXIT_FAIL;
        goto done;
    }
    km_app_settings set;
    km_app_settings_from_config(&set, &cfg);
    km_app_init(app, a, &set, 0);
    if (x.marks) {
        if (!km_cli_load_marks(a, x.marks, &marks, &s)) {
            status = KM_EXIT_DATA;
            goto done;
        }
        km_app_open_marks(app, &marks, x.marks);
    }
    if (x.select && !km_cli_each_item(x.select, km_cli_add_select, &s))
        goto done;
    /* A logo that cannot be read is named and the handout is not made:
     * the clinic asked for it, so it should hear why it is missing. */
    km_handout_request req = {
        .scene = &s, .ranked = x.marks ? &app->drawn : NULL, .title = x.title, .notes = x.notes,
        .clinic_name = cfg.clinic_name, .clinic_contact = cfg.clinic_contact, .paper = KM_PAPER_A4,
    };
    if (x.paper)
        km_paper_parse(x.paper, &req.paper);
    int rc = km_host_make_handout(&req, cfg.clinic_logo, &pdf, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "knotmap: %s%s\n", rc == -2 ? "" : "handout: ", err);
        status = rc == -2 ? KM_EXIT_DATA : KM_EXIT_FAIL;
        goto done;
    }
    status = deliver(&x, cfg.printer, x.title, &pdf);
done:
    km_bytes_release(&pdf);
    if (app)
        km_app_release(app);
    free(app);
    km_marks_release(&marks);
    km_atlas_free(a);
    return status;
}
