/*
 * grow.h: room for one more element at the end of a growable array, doubling its capacity
 * from first: how the hub's and the node's batches, lists and indexes grow (one copy of the
 * realloc dance instead of one per array). Header-only: a function this small needs no object.
 */
#ifndef EISO_GROW_H
#define EISO_GROW_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * arrp: the address of the array's pointer (any element type); n: the elements in use; *cap:
 * its capacity, updated; size: one element's. Returns 0 when arr[n] may be written, -1 when
 * out of memory (the array is left as it was). The pointer is read and written with memcpy,
 * so any element type's pointer may be passed.
 */
static inline int
eiso_grow(void *arrp, size_t n, size_t *cap, size_t size, size_t first)
{
	void *arr, *p;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : first;
	if (ncap <= *cap || ncap > SIZE_MAX / size)
		return -1;
	memcpy(&arr, arrp, sizeof(arr));
	if ((p = realloc(arr, ncap * size)) == NULL)
		return -1;
	memcpy(arrp, &p, sizeof(p));
	*cap = ncap;
	return 0;
}

#endif
