/*
 * record.c - input recording and replay (see record.h).
 */
#include "record.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool km_record_open(km_recorder *r, const char *path, uint64_t t0, char *err, size_t errlen)
{
    r->f = fopen(path, "w");
    r->t0 = t0;
    if (!r->f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    fprintf(r->f, "# knotmap input recording: MS KIND FIELDS (src/platform/record.h)\n");
    return true;
}

void km_record_event(km_recorder *r, const SDL_Event *e, uint64_t now)
{
    if (!r->f)
        return;
    unsigned long long t = now > r->t0 ? now - r->t0 : 0;
    switch (e->type) {
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        if (e->button.which == SDL_TOUCH_MOUSEID)
            return; /* synthesised from a finger: the finger is recorded */
        fprintf(r->f, "%llu %s %d %d %d\n", t, e->type == SDL_MOUSEBUTTONDOWN ? "mousedown" : "mouseup", e->button.x,
                e->button.y, e->button.button);
        break;
    case SDL_MOUSEMOTION:
        if (e->motion.which == SDL_TOUCH_MOUSEID)
            return;
        fprintf(r->f, "%llu mousemove %d %d %u\n", t, e->motion.x, e->motion.y, e->motion.state);
        break;
    case SDL_MOUSEWHEEL: {
        int mx = 0, my = 0;
        SDL_GetMouseState(&mx, &my);
        float dy = e->wheel.preciseY * (e->wheel.direction == SDL_MOUSEWHEEL_FLIPPED ? -1.0f : 1.0f);
        fprintf(r->f, "%llu wheel %d %d %g\n", t, mx, my, (double)dy);
        break;
    }
    case SDL_FINGERDOWN:
    case SDL_FINGERUP:
    case SDL_FINGERMOTION:
        fprintf(r->f, "%llu %s %lld %.5f %.5f\n", t,
                e->type == SDL_FINGERDOWN ? "fingerdown" : e->type == SDL_FINGERUP ? "fingerup" : "fingermove",
                (long long)e->tfinger.fingerId, (double)e->tfinger.x, (double)e->tfinger.y);
        break;
    case SDL_KEYDOWN: fprintf(r->f, "%llu key %d %d\n", t, e->key.keysym.sym, e->key.keysym.mod); break;
    default: return;
    }
    fflush(r->f);
}

void km_record_close(km_recorder *r)
{
    if (r->f)
        fclose(r->f);
    r->f = NULL;
}

/* One line into an SDL event; false when it is not one. */
static bool parse_line(const char *line, km_replay_event *out)
{
    char kind[16];
    unsigned long long t;
    int used = 0;
    if (sscanf(line, "%llu %15s %n", &t, kind, &used) != 2)
        return false;
    const char *rest = line + used;
    SDL_Event *e = &out->e;
    memset(e, 0, sizeof *e);
    out->t = t;
    int x, y, b;
    unsigned state;
    long long id;
    float fx, fy;
    if (!strcmp(kind, "mousedown") || !strcmp(kind, "mouseup")) {
        if (sscanf(rest, "%d %d %d", &x, &y, &b) != 3)
            return false;
        e->type = kind[5] == 'd' ? SDL_MOUSEBUTTONDOWN : SDL_MOUSEBUTTONUP;
        e->button = (SDL_MouseButtonEvent){.type = e->type, .button = (Uint8)b, .state = e->type == SDL_MOUSEBUTTONDOWN,
                                           .clicks = 1, .x = x, .y = y};
    } else if (!strcmp(kind, "mousemove")) {
        if (sscanf(rest, "%d %d %u", &x, &y, &state) != 3)
            return false;
        e->motion = (SDL_MouseMotionEvent){.type = SDL_MOUSEMOTION, .state = state, .x = x, .y = y};
    } else if (!strcmp(kind, "wheel")) {
        if (sscanf(rest, "%d %d %f", &x, &y, &fx) != 3)
            return false;
        e->wheel = (SDL_MouseWheelEvent){.type = SDL_MOUSEWHEEL, .y = (Sint32)fx, .preciseY = fx,
                                         .direction = SDL_MOUSEWHEEL_NORMAL};
#if SDL_VERSION_ATLEAST(2, 26, 0)
        e->wheel.mouseX = x;
        e->wheel.mouseY = y;
#endif
    } else if (!strcmp(kind, "fingerdown") || !strcmp(kind, "fingermove") || !strcmp(kind, "fingerup")) {
        if (sscanf(rest, "%lld %f %f", &id, &fx, &fy) != 3)
            return false;
        e->type = kind[6] == 'd' ? SDL_FINGERDOWN : kind[6] == 'u' ? SDL_FINGERUP : SDL_FINGERMOTION;
        e->tfinger = (SDL_TouchFingerEvent){.type = e->type, .touchId = 1, .fingerId = id, .x = fx, .y = fy,
                                            .pressure = 1};
    } else if (!strcmp(kind, "key")) {
        if (sscanf(rest, "%d %u", &x, &state) != 2)
            return false;
        e->key = (SDL_KeyboardEvent){.type = SDL_KEYDOWN, .state = SDL_PRESSED};
        e->key.keysym.sym = x;
        e->key.keysym.mod = (Uint16)state;
    } else
        return false;
    return true;
}

bool km_replay_load(km_replay *rp, const char *path, char *err, size_t errlen)
{
    memset(rp, 0, sizeof *rp);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    char line[256];
    int cap = 0, lineno = 0;
    bool ok = true;
    while (ok && fgets(line, sizeof line, f)) {
        lineno++;
        const char *p = line + strspn(line, " \t");
        if (*p == '#' || *p == '\n' || !*p)
            continue;
        if (rp->n == cap) {
            cap = cap ? cap * 2 : 256;
            km_replay_event *ev = realloc(rp->ev, (size_t)cap * sizeof *ev);
            if (!ev) {
                snprintf(err, errlen, "%s: out of memory", path);
                ok = false;
                break;
            }
            rp->ev = ev;
        }
        if (!parse_line(p, &rp->ev[rp->n])) {
            snprintf(err, errlen, "%s:%d: expected \"MS KIND FIELDS\" (see --help), got '%.*s'", path, lineno,
                     (int)strcspn(p, "\n"), p);
            ok = false;
        } else if (rp->n > 0 && rp->ev[rp->n].t < rp->ev[rp->n - 1].t) {
            snprintf(err, errlen, "%s:%d: time %llu is before the line above's", path, lineno,
                     (unsigned long long)rp->ev[rp->n].t);
            ok = false;
        } else
            rp->n++;
    }
    fclose(f);
    if (!ok)
        km_replay_free(rp);
    return ok;
}

void km_replay_start(km_replay *rp, uint64_t t0, uint32_t window)
{
    rp->t0 = t0;
    rp->window = window;
    rp->next = 0;
}

int km_replay_push_due(km_replay *rp, uint64_t now)
{
    rp->late_ms = 0;
    bool first = true;
    while (rp->next < rp->n && rp->t0 + rp->ev[rp->next].t <= now) {
        if (first)
            rp->late_ms = now - (rp->t0 + rp->ev[rp->next].t);
        first = false;
        SDL_Event e = rp->ev[rp->next++].e;
        e.common.timestamp = (Uint32)now;
        if (e.type == SDL_MOUSEBUTTONDOWN || e.type == SDL_MOUSEBUTTONUP)
            e.button.windowID = rp->window;
        else if (e.type == SDL_MOUSEMOTION)
            e.motion.windowID = rp->window;
        else if (e.type == SDL_MOUSEWHEEL)
            e.wheel.windowID = rp->window;
        else if (e.type == SDL_KEYDOWN)
            e.key.windowID = rp->window;
        else if (e.type == SDL_FINGERDOWN || e.type == SDL_FINGERUP || e.type == SDL_FINGERMOTION)
            e.tfinger.windowID = rp->window;
        SDL_PushEvent(&e);
    }
    if (rp->next >= rp->n)
        return -1;
    return (int)(rp->t0 + rp->ev[rp->next].t - now);
}

void km_replay_free(km_replay *rp)
{
    free(rp->ev);
    rp->ev = NULL;
    rp->n = rp->next = 0;
}
