/*
 * image.h - a picture file (PNG or JPEG, e.g. the clinic's logo) read with
 * SDL2_image into plain pixels that any output can use: the window as a
 * texture, cairo (the handout, vector exports) as an image surface.  A bad
 * file is an error that names it and says why, never a crash.
 */
#ifndef KM_IMAGE_H
#define KM_IMAGE_H

#include <stddef.h>
#include <stdint.h>

/* The largest side accepted: a logo or a photo, not a poster. */
#define KM_IMAGE_MAX_SIDE 4096

typedef struct km_image {
    uint32_t *px; /* w*h, 0xAARRGGBB premultiplied by alpha (cairo's ARGB32); owned */
    int w, h;
} km_image;

/* Read path; 0, or -1 with "PATH: reason" in err (missing, unreadable,
 * not a PNG or JPEG, larger than KM_IMAGE_MAX_SIDE on a side). */
int km_image_load(const char *path, km_image *out, char *err, size_t errlen);
void km_image_release(km_image *img);

/* The atlas's stretch photos ("photo" in the data file), one slot per
 * stretch in atlas order; a slot is empty (px NULL) where a stretch has
 * none or it cannot be read (`knotmap check` names those).  NULL when out
 * of memory or the atlas has no stretches; free with km_image_free_photos. */
struct km_atlas;
km_image *km_image_load_photos(const struct km_atlas *a);
void km_image_free_photos(km_image *photos, int n);

#endif
