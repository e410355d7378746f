/*
 * print.c - a PDF to a CUPS printer, streamed from memory (see print.h).
 */
#include "print.h"

#include <cups/cups.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* The printer asked for, else the default; NULL (reason in err) if none. */
static const char *pick_printer(const char *printer, char *err, size_t errlen)
{
    if (printer && *printer)
        return printer;
    const char *def = cupsGetDefault();
    if (!def)
        snprintf(err, errlen, "no printer: set \"printer\" in the configuration or a system default printer (%s)",
                 cupsLastErrorString());
    return def;
}

int km_print_pdf(const char *printer, const char *title, const unsigned char *pdf, size_t len, char *err,
                 size_t errlen)
{
    const char *name = pick_printer(printer, err, errlen);
    if (!name)
        return -1;
    int job = cupsCreateJob(CUPS_HTTP_DEFAULT, name, title, 0, NULL);
    if (job <= 0) {
        snprintf(err, errlen, "%s: cannot start a print job: %s", name, cupsLastErrorString());
        return -1;
    }
    if (cupsStartDocument(CUPS_HTTP_DEFAULT, name, job, title, CUPS_FORMAT_PDF, 1) != HTTP_STATUS_CONTINUE) {
        snprintf(err, errlen, "%s: cannot send the document: %s", name, cupsLastErrorString());
        cupsCancelJob2(CUPS_HTTP_DEFAULT, name, job, 0);
        return -1;
    }
    bool sent = true;
    for (size_t off = 0; sent && off < len;) {
        size_t n = len - off > 65536 ? 65536 : len - off;
        sent = cupsWriteRequestData(CUPS_HTTP_DEFAULT, (const char *)pdf + off, n) == HTTP_STATUS_CONTINUE;
        off += n;
    }
    ipp_status_t st = cupsFinishDocument(CUPS_HTTP_DEFAULT, name);
    if (!sent || st > IPP_STATUS_OK_EVENTS_COMPLETE) {
        snprintf(err, errlen, "%s: the printer refused the document: %s", name, cupsLastErrorString());
        cupsCancelJob2(CUPS_HTTP_DEFAULT, name, job, 0);
        return -1;
    }
    return job;
}

/* The job's state from the scheduler's job list, 0 if not found. */
static ipp_jstate_t job_state(const char *name, int job)
{
    cups_job_t *jobs = NULL;
    int n = cupsGetJobs2(CUPS_HTTP_DEFAULT, &jobs, name, 0, CUPS_WHICHJOBS_ALL);
    ipp_jstate_t state = 0;
    for (int i = 0; i < n; i++)
        if (jobs[i].id == job)
            state = jobs[i].state;
    cupsFreeJobs(n, jobs);
    return state;
}

int km_print_wait(const char *printer, int job, int timeout_ms, char *err, size_t errlen)
{
    const char *name = pick_printer(printer, err, errlen);
    if (!name)
        return -1;
    for (int waited = 0;; waited += 100) {
        ipp_jstate_t s = job_state(name, job);
        if (s == IPP_JSTATE_COMPLETED)
            return 1;
        if (s == IPP_JSTATE_STOPPED || s == IPP_JSTATE_CANCELED || s == IPP_JSTATE_ABORTED) {
            snprintf(err, errlen, "%s: job %d was %s", name, job,
                     s == IPP_JSTATE_STOPPED ? "stopped" : s == IPP_JSTATE_CANCELED ? "cancelled" : "aborted");
            return -1;
        }
        if (waited >= timeout_ms)
            return 0;
        nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, NULL);
    }
}
