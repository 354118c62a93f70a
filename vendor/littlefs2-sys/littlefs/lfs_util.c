/*
 * lfs util functions
 *
 * Copyright (c) 2022, The littlefs authors.
 * Copyright (c) 2017, Arm Limited. All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "lfs_util.h"

// Only compile if user does not provide custom config
#ifndef LFS_CONFIG


// If user provides their own CRC impl we don't need this
#ifndef LFS_CRC
// Software CRC implementation, 4 bytes at a time ("slicing-by-4"): littlefs checks every
// metadata block it fetches by CRC, a few bytes per call, and a 4-bit table spent most of a
// directory lookup's time there. table[k][b] is the CRC of byte b followed by k zero
// bytes. The table is built on first use rather than stored, to keep 4 KiB of constants out
// of the binary; the atomics make that safe when several threads mount at once.
static uint32_t lfs_crc_table[4][256];
// 0: not built, 1: being built, 2: built.
static int lfs_crc_built;

static void lfs_crc_build(void) {
    int expected = 0;
    if (__atomic_load_n(&lfs_crc_built, __ATOMIC_ACQUIRE) == 2) {
        return;
    }
    if (!__atomic_compare_exchange_n(&lfs_crc_built, &expected, 1, 0,
            __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)) {
        while (__atomic_load_n(&lfs_crc_built, __ATOMIC_ACQUIRE) != 2) {
        }
        return;
    }
    for (uint32_t b = 0; b < 256; b++) {
        uint32_t crc = b;
        for (int bit = 0; bit < 8; bit++) {
            crc = (crc >> 1) ^ ((crc & 1) ? 0xedb88320 : 0);
        }
        lfs_crc_table[0][b] = crc;
    }
    for (int k = 1; k < 4; k++) {
        for (uint32_t b = 0; b < 256; b++) {
            uint32_t prev = lfs_crc_table[k-1][b];
            lfs_crc_table[k][b] = (prev >> 8) ^ lfs_crc_table[0][prev & 0xff];
        }
    }
    __atomic_store_n(&lfs_crc_built, 2, __ATOMIC_RELEASE);
}

uint32_t lfs_crc(uint32_t crc, const void *buffer, size_t size) {
    const uint8_t *data = buffer;

    lfs_crc_build();
    for (; size >= 4; size -= 4, data += 4) {
        uint32_t lo = crc ^ ((uint32_t)data[0] | (uint32_t)data[1] << 8
                | (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24);
        crc = lfs_crc_table[3][lo & 0xff] ^ lfs_crc_table[2][(lo >> 8) & 0xff]
                ^ lfs_crc_table[1][(lo >> 16) & 0xff] ^ lfs_crc_table[0][lo >> 24];
    }
    for (; size > 0; size--, data++) {
        crc = (crc >> 8) ^ lfs_crc_table[0][(crc ^ *data) & 0xff];
    }

    return crc;
}
#endif


#endif
