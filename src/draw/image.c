/*
 * image.c - PNG and JPEG files into premultiplied ARGB pixels through
 * SDL2_image (see image.h).  The file is opened and its type checked by
 * its first bytes (IMG_isPNG, IMG_isJPG), so a renamed text file is "not a
 * PNG or JPEG image" rather than whatever a decoder makes of it; the
 * decoded surface is converted to ARGB8888 once and premultiplied.
 */
#include "image.h"

#include "../core/atlas.h"

#include <SDL.h>
#include <SDL_image.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static SDL_Surface *decode(const char *path, char *err, size_t errlen)
{
    SDL_RWops *rw = SDL_RWFromFile(path, "rb");
    if (!rw) {
        FILE *f = fopen(path, "rb"); /* for the system's own words */
        snprintf(err, errlen, "%s: cannot read the image: %s", path, f ? SDL_GetError() : strerror(errno));
        if (f)
            fclose(f);
        return NULL;
    }
    SDL_Surface *s = NULL;
    if (IMG_isPNG(rw))
        s = IMG_LoadTyped_RW(rw, 0, "PNG");
    else if (IMG_isJPG(rw))
        s = IMG_LoadTyped_RW(rw, 0, "JPG");
    else
        snprintf(err, errlen, "%s: not a PNG or JPEG image", path);
    if (!s && (IMG_isPNG(rw) || IMG_isJPG(rw)))
        snprintf(err, errlen, "%s: cannot decode the image: %s", path, IMG_GetError());
    SDL_RWclose(rw);
    return s;
}

int km_image_load(const char *path, km_image *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    SDL_Surface *s = decode(path, err, errlen);
    if (!s)
        return -1;
    if (s->w < 1 || s->h < 1 || s->w > KM_IMAGE_MAX_SIDE || s->h > KM_IMAGE_MAX_SIDE) {
        snprintf(err, errlen, "%s: the image is %dx%d; expected 1 to %d pixels on each side", path, s->w, s->h,
                 KM_IMAGE_MAX_SIDE);
        SDL_FreeSurface(s);
        return -1;
    }
    SDL_Surface *c = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
    SDL_FreeSurface(s);
    uint32_t *px = c ? malloc((size_t)c->w * c->h * sizeof *px) : NULL;
    if (!px) {
        snprintf(err, errlen, "%s: out of memory for the image", path);
        SDL_FreeSurface(c);
        return -1;
    }
    for (int y = 0; y < c->h; y++) {
        const uint32_t *row = (const uint32_t *)((const uint8_t *)c->pixels + (size_t)y * c->pitch);
        for (int x = 0; x < c->w; x++) {
            uint32_t v = row[x], a = v >> 24;
            uint32_t r = ((v >> 16) & 0xff) * a / 255, g = ((v >> 8) & 0xff) * a / 255, b = (v & 0xff) * a / 255;
            px[(size_t)y * c->w + x] = a << 24 | r << 16 | g << 8 | b;
        }
    }
    out->px = px;
    out->w = c->w;
    out->h = c->h;
    SDL_FreeSurface(c);
    return 0;
}

void km_image_release(km_image *img)
{
    free(img->px);
    memset(img, 0, sizeof *img);
}

km_image *km_image_load_photos(const km_atlas *a)
{
    if (!a || a->stretch_count <= 0)
        return NULL;
    km_image *photos = calloc((size_t)a->stretch_count, sizeof *photos);
    for (int i = 0; photos && i < a->stretch_count; i++) {
        char why[1200];
        if (a->stretches[i].photo)
            km_image_load(a->stretches[i].photo, &photos[i], why, sizeof why); /* a failure leaves the slot empty */
    }
    return photos;
}

void km_image_free_photos(km_image *photos, int n)
{
    for (int i = 0; photos && i < n; i++)
        km_image_release(&photos[i]);
    free(photos);
}
