/* The ext2 on-disk format, revision 1 (EXT2_DYNAMIC_REV), as described by
 * "The Second Extended File System" (Dave Poirier, nongnu.org/ext2-doc),
 * the reference every fact here is taken from; section names below are
 * that document's. All fields are little-endian, as x86 is, so they are
 * read in place.
 *
 * Private to fs/: only the file service knows what a disk looks like. */
#ifndef FS_EXT2_H
#define FS_EXT2_H

#include <stddef.h>
#include <stdint.h>

/* The structures below are read and written in place inside the block
 * cache's byte buffers: may_alias tells the compiler so, which keeps its
 * type-based alias analysis from reordering those accesses. */
#define EXT2_ALIAS __attribute__((may_alias))
typedef uint32_t EXT2_ALIAS ext2_blkptr; /* an entry of an indirect block */

/* "Superblock": always at byte 1024 of the volume, 1024 bytes long,
 * whatever the block size. */
#define EXT2_SB_OFFSET           1024
#define EXT2_SB_SIZE             1024
#define EXT2_MAGIC               0xEF53
#define EXT2_DYNAMIC_REV         1
#define EXT2_MIN_BLOCK_LOG       10 /* block size = 1024 << s_log_block_size */
#define EXT2_MAX_BLOCK_LOG       12 /* this implementation: up to 4 KiB */
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_GOOD_OLD_FIRST_INO  11

/* s_state */
#define EXT2_VALID_FS 1
#define EXT2_ERROR_FS 2

struct EXT2_ALIAS ext2_super {
	uint32_t s_inodes_count;      /* 0 */
	uint32_t s_blocks_count;      /* 4 */
	uint32_t s_r_blocks_count;    /* 8: reserved for the superuser */
	uint32_t s_free_blocks_count; /* 12 */
	uint32_t s_free_inodes_count; /* 16 */
	uint32_t s_first_data_block;  /* 20: 1 with 1 KiB blocks, else 0 */
	uint32_t s_log_block_size;    /* 24 */
	uint32_t s_log_frag_size;     /* 28 */
	uint32_t s_blocks_per_group;  /* 32 */
	uint32_t s_frags_per_group;   /* 36 */
	uint32_t s_inodes_per_group;  /* 40 */
	uint32_t s_mtime;             /* 44 */
	uint32_t s_wtime;             /* 48 */
	uint16_t s_mnt_count;         /* 52 */
	uint16_t s_max_mnt_count;     /* 54 */
	uint16_t s_magic;             /* 56 */
	uint16_t s_state;             /* 58 */
	uint16_t s_errors;            /* 60 */
	uint16_t s_minor_rev_level;   /* 62 */
	uint32_t s_lastcheck;         /* 64 */
	uint32_t s_checkinterval;     /* 68 */
	uint32_t s_creator_os;        /* 72 */
	uint32_t s_rev_level;         /* 76 */
	uint16_t s_def_resuid;        /* 80 */
	uint16_t s_def_resgid;        /* 82 */
	/* EXT2_DYNAMIC_REV only */
	uint32_t s_first_ino;         /* 84: first non-reserved inode */
	uint16_t s_inode_size;        /* 88 */
	uint16_t s_block_group_nr;    /* 90 */
	uint32_t s_feature_compat;    /* 92 */
	uint32_t s_feature_incompat;  /* 96 */
	uint32_t s_feature_ro_compat; /* 100 */
	uint8_t s_uuid[16];           /* 104 */
	char s_volume_name[16];       /* 120 */
	/* the rest (last mount point, hash seeds, journal fields...) is
	 * neither read nor written here */
};
_Static_assert(offsetof(struct ext2_super, s_magic) == 56, "ext2 superblock layout");
_Static_assert(offsetof(struct ext2_super, s_feature_ro_compat) == 100, "ext2 superblock layout");

/* "s_feature_compat": an implementation may ignore these and still read
 * and write the volume (dir_index only adds a hash tree that a linear
 * reader sees as empty directory entries; see EXT2_INDEX_FL). */
#define EXT2_FEATURE_COMPAT_DIR_INDEX 0x0020
/* "s_feature_incompat": an implementation must refuse any it lacks. */
#define EXT2_FEATURE_INCOMPAT_FILETYPE 0x0002 /* dir entries carry a file type */
#define EXT2_INCOMPAT_SUPPORTED        EXT2_FEATURE_INCOMPAT_FILETYPE
/* "s_feature_ro_compat": one it lacks allows read-only access only. */
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER 0x0001 /* backups in groups 0, 1, 3^n, 5^n, 7^n */
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE   0x0002 /* i_dir_acl is i_size_high */
#define EXT2_RO_COMPAT_SUPPORTED                                                                   \
	(EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | EXT2_FEATURE_RO_COMPAT_LARGE_FILE)

/* "Block Group Descriptor Table": in the block after the superblock's,
 * 32 bytes per group. */
struct EXT2_ALIAS ext2_group_desc {
	uint32_t bg_block_bitmap;
	uint32_t bg_inode_bitmap;
	uint32_t bg_inode_table;
	uint16_t bg_free_blocks_count;
	uint16_t bg_free_inodes_count;
	uint16_t bg_used_dirs_count;
	uint16_t bg_pad;
	uint8_t bg_reserved[12];
};
_Static_assert(sizeof(struct ext2_group_desc) == 32, "ext2 group descriptor size");

/* "Inode Table": s_inode_size bytes per inode, of which the first 128 are
 * this structure; inode numbers start at 1. */
#define EXT2_NDIR_BLOCKS 12
#define EXT2_IND_BLOCK   12 /* single indirect */
#define EXT2_DIND_BLOCK  13 /* double indirect */
#define EXT2_TIND_BLOCK  14 /* triple indirect */
#define EXT2_N_BLOCKS    15

struct EXT2_ALIAS ext2_inode {
	uint16_t i_mode;                 /* 0 */
	uint16_t i_uid;                  /* 2 */
	uint32_t i_size;                 /* 4 */
	uint32_t i_atime;                /* 8 */
	uint32_t i_ctime;                /* 12 */
	uint32_t i_mtime;                /* 16 */
	uint32_t i_dtime;                /* 20: deletion time */
	uint16_t i_gid;                  /* 24 */
	uint16_t i_links_count;          /* 26 */
	uint32_t i_blocks;               /* 28: 512-byte units, indirect blocks included */
	uint32_t i_flags;                /* 32 */
	uint32_t i_osd1;                 /* 36 */
	uint32_t i_block[EXT2_N_BLOCKS]; /* 40 */
	uint32_t i_generation;           /* 100 */
	uint32_t i_file_acl;             /* 104: extended attribute block */
	uint32_t i_dir_acl;              /* 108: i_size_high of a regular file (large_file) */
	uint32_t i_faddr;                /* 112 */
	uint8_t i_osd2[12];              /* 116 */
};
_Static_assert(sizeof(struct ext2_inode) == EXT2_GOOD_OLD_INODE_SIZE, "ext2 inode size");

/* Reserved inode numbers ("Defined Reserved Inodes"). */
#define EXT2_ROOT_INO 2

/* i_flags ("i_flags" in the spec; set on the host with chattr +i, +a) */
#define EXT2_IMMUTABLE_FL 0x00000010 /* no change at all, nor a new name or link */
#define EXT2_APPEND_FL    0x00000020 /* a file: writes only at its end; a directory: no removal */
#define EXT2_INDEX_FL     0x00001000 /* hash-indexed directory (dir_index) */
#define EXT4_EXTENTS_FL   0x00080000 /* i_block is an extent tree: not ext2 */

/* Large inodes: the 16-bit i_extra_isize right after the 128 base bytes
 * says how much of the extra space is in use (Linux writes 32). */
#define EXT2_EXTRA_ISIZE_OFF     128
#define EXT2_EXTRA_ISIZE_DEFAULT 32

/* "Extended Attributes": the block named by i_file_acl. */
#define EXT2_XATTR_MAGIC 0xEA020000
struct EXT2_ALIAS ext2_xattr_header {
	uint32_t h_magic;
	uint32_t h_refcount;
};

/* "Linked Directory Entry Structure". rec_len is a multiple of 4, at
 * least 8 + name_len, and no entry crosses a block; the last entry of a
 * block reaches its end. Inode 0 marks an unused entry. */
struct EXT2_ALIAS ext2_dirent {
	uint32_t inode;
	uint16_t rec_len;
	uint8_t name_len;
	uint8_t file_type; /* with the filetype feature; else the high byte of name_len */
	char name[];
};
#define EXT2_DIRENT_HDR           8u
#define EXT2_DIRENT_LEN(name_len) (((uint32_t)(name_len) + EXT2_DIRENT_HDR + 3) & ~3u)

/* file_type values */
#define EXT2_FT_UNKNOWN  0
#define EXT2_FT_REG_FILE 1
#define EXT2_FT_DIR      2
#define EXT2_FT_CHRDEV   3
#define EXT2_FT_BLKDEV   4
#define EXT2_FT_FIFO     5
#define EXT2_FT_SOCK     6
#define EXT2_FT_SYMLINK  7

/* i_mode file types ("i_mode"); abi/fs.h has S_IFMT, S_IFREG, S_IFDIR
 * and S_IFLNK with the same values. */
#define EXT2_S_IFSOCK 0xC000
#define EXT2_S_IFBLK  0x6000
#define EXT2_S_IFCHR  0x2000
#define EXT2_S_IFIFO  0x1000

/* Hard link limit of Linux's ext2 (EXT2_LINK_MAX). */
#define EXT2_LINK_MAX 32000

#endif
