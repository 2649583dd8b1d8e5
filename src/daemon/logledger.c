/*
 * The capture ledger (include/logledger.h). Slot 0 is the header; slots
 * 1.. belong to pipes. The file is sparse and fixed in size, so the
 * mapping never moves (a write in the thread pool may hold a slot while
 * the loop claims another); only the slots up to the high-water mark in
 * the header are ever looked at, so an unused tail costs no memory.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "logledger.h"
#include "xmem.h"

#define LOGLEDGER_SLOTS		65536	/* pipes, header included: 4 MiB */
#define LOGLEDGER_MAGIC		0x31676c646c6d706fULL	/* "opmldlg1" */

struct logledger_head {
	uint64_t	magic;
	uint64_t	hiwater;	/* slots [1, hiwater) were ever used */
	uint64_t	spare[6];
};

static struct logledger_slot	*ll_slots;
static struct logledger_head	*ll_head;
static uint8_t			*ll_claimed;	/* taken by a pipe of ours */
static uint64_t			 ll_hint = 1;	/* no free slot below */

/* The slots a predecessor left, by serial, for the adoptions. */
struct logledger_old {
	uint64_t	serial;
	uint64_t	idx;
};
static struct logledger_old	*ll_old;
static size_t			 ll_nold;

static int
logledger_cmp(const void *a, const void *b)
{
	const struct logledger_old	*x = a, *y = b;

	return (x->serial < y->serial ? -1 : x->serial > y->serial);
}

int
logledger_open(const char *dir)
{
	char	path[4200];
	void	*m;
	size_t	 size = LOGLEDGER_SLOTS * sizeof *ll_slots;
	uint64_t i;
	int	 fd;

	_Static_assert(sizeof(struct logledger_slot) == 64, "slot size");
	_Static_assert(sizeof(struct logledger_head) == 64, "head size");
	snprintf(path, sizeof path, "%s/logs.ledger", dir);
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1)
		return (-1);
	if (ftruncate(fd, (off_t)size) == -1) {
		close(fd);
		return (-1);
	}
	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return (-1);
	ll_slots = m;
	ll_head = m;
	if (ll_head->magic != LOGLEDGER_MAGIC ||
	    ll_head->hiwater > LOGLEDGER_SLOTS) {
		memset(m, 0, 4096);
		ll_head->magic = LOGLEDGER_MAGIC;
		ll_head->hiwater = 1;
	}
	ll_claimed = xcalloc(LOGLEDGER_SLOTS, 1);
	ll_old = xreallocarray(NULL, ll_head->hiwater, sizeof *ll_old);
	for (i = 1; i < ll_head->hiwater; i++) {
		if (ll_slots[i].serial != 0) {
			ll_old[ll_nold].serial = ll_slots[i].serial;
			ll_old[ll_nold++].idx = i;
		}
	}
	qsort(ll_old, ll_nold, sizeof *ll_old, logledger_cmp);
	return (0);
}

uint64_t
logledger_max_serial(void)
{
	uint64_t	i, max = 0;

	for (i = 1; ll_head != NULL && i < ll_head->hiwater; i++) {
		if (ll_slots[i].serial > max)
			max = ll_slots[i].serial;
	}
	return (max);
}

struct logledger_slot *
logledger_claim(uint64_t serial, bool adopt, bool *found)
{
	struct logledger_old	 key, *o;
	struct logledger_slot	*s = NULL;
	uint64_t		 i;

	*found = false;
	if (ll_head == NULL || serial == 0)
		return (NULL);
	key.serial = serial;
	if (adopt && (o = bsearch(&key, ll_old, ll_nold, sizeof *ll_old,
	    logledger_cmp)) != NULL && !ll_claimed[o->idx] &&
	    ll_slots[o->idx].serial == serial) {
		ll_claimed[o->idx] = 1;
		*found = true;
		return (&ll_slots[o->idx]);
	}
	/* Free, and not a predecessor's that an adoption may still claim. */
	for (i = ll_hint; i < ll_head->hiwater; i++) {
		if (ll_slots[i].serial == 0) {
			s = &ll_slots[i];
			break;
		}
	}
	if (s == NULL) {
		if (ll_head->hiwater >= LOGLEDGER_SLOTS)
			return (NULL);
		i = ll_head->hiwater++;
		s = &ll_slots[i];
	}
	ll_hint = i + 1;
	memset(s, 0, sizeof *s);
	s->serial = serial;
	ll_claimed[i] = 1;
	return (s);
}

void
logledger_release(struct logledger_slot *s)
{
	if (s == NULL)
		return;
	ll_claimed[s - ll_slots] = 0;
	memset(s, 0, sizeof *s);
	if ((uint64_t)(s - ll_slots) < ll_hint)
		ll_hint = (uint64_t)(s - ll_slots);
	/* Keep the scan short once the last pipes are gone. */
	while (ll_head->hiwater > 1 &&
	    ll_slots[ll_head->hiwater - 1].serial == 0)
		ll_head->hiwater--;
}

void
logledger_sweep(void)
{
	uint64_t	i;

	if (ll_head == NULL)
		return;
	for (i = 1; i < ll_head->hiwater; i++) {
		if (!ll_claimed[i] && ll_slots[i].serial != 0) {
			if (ll_slots[i].pending)
				log_warnx("%s: pipe %llu: a write was pending "
				    "and its pipe is gone", __func__,
				    (unsigned long long)ll_slots[i].serial);
			memset(&ll_slots[i], 0, sizeof ll_slots[i]);
			if (i < ll_hint)
				ll_hint = i;
		}
	}
	free(ll_old);
	ll_old = NULL;
	ll_nold = 0;
	while (ll_head->hiwater > 1 &&
	    ll_slots[ll_head->hiwater - 1].serial == 0)
		ll_head->hiwater--;
}
