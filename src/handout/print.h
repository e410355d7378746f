/*
 * print.h - send a PDF to a printer through CUPS (libcups).
 *
 * The document is streamed to the scheduler from memory (cupsCreateJob,
 * cupsStartDocument, cupsWriteRequestData), so a patient's handout never
 * touches the disk on the way to the printer.  The scheduler is the one
 * libcups finds as usual (CUPS_SERVER, ~/.cups/client.conf, the local
 * socket); the printer is named, or the system's default.
 */
#ifndef KM_PRINT_H
#define KM_PRINT_H

#include <stddef.h>

/* Queue a PDF of len bytes on printer (NULL or "" for the default) under
 * title.  Returns the CUPS job id (> 0), or -1 with "printer: reason" in
 * err (no scheduler, no such printer, no default printer, refused). */
int km_print_pdf(const char *printer, const char *title, const unsigned char *pdf, size_t len, char *err,
                 size_t errlen);

/* The job's state once it has settled: 1 completed, 0 still pending or
 * printing after timeout_ms, -1 stopped, cancelled or aborted (reason in
 * err). */
int km_print_wait(const char *printer, int job, int timeout_ms, char *err, size_t errlen);

#endif
