/* Mounting: the superblock and the block group descriptors. Nothing on
 * the disk is trusted: a volume that is not a consistent ext2 revision 1
 * file system of a kind this code supports is refused with a message, and
 * every request then answers -EIO. What the mount checked once (the
 * geometry) is kept in memory; what the disk holds and a write could change
 * (a group descriptor) is checked again at each use. */
#include "abi/rtc.h"
#include "fs.h"

struct fs_info fs;

/* Time stamps come from the real-time clock (SVC_RTC, drivers/rtc): the
 * fs asks it once, and then counts the uptime from that answer, so a
 * request costs no call. Until the clock answers (it is not up yet, it
 * died, or a kernel has none), times are a fixed epoch (Nov 2023) plus the
 * uptime, so they grow and stay plausible for e2fsck; the clock is asked
 * again at most once a second. */
#define FS_EPOCH     1700000000u
#define RTC_RETRY_MS 1000

static struct {
	uint32_t base;    /* Unix time the clock said, or 0: not known yet */
	uint32_t base_ms; /* the uptime when it said so */
	uint32_t asked_ms;
	int asked;
} clock;

uint32_t fs_now(void)
{
	uint32_t now_ms = comp_uptime_ms();
	/* LAB 3: BEGIN
	 * Ask the rtc (call(SVC_RTC, ...) with RTC_GET, abi/rtc.h) when the
	 * time is not known yet, at most once every RTC_RETRY_MS; remember
	 * its answer in `clock` and return it plus the seconds since then.
	 * The fs's row of common/system.conf already lets it call the rtc.
	 * STUB: (void)clock;
	 */
	if (!clock.base && (!clock.asked || now_ms - clock.asked_ms >= RTC_RETRY_MS)) {
		struct msg m = {.type = RTC_GET};
		clock.asked = 1;
		clock.asked_ms = now_ms;
		if (call(SVC_RTC, &m) == 0 && m.w[0]) {
			clock.base = m.w[0];
			clock.base_ms = now_ms;
		}
	}
	if (clock.base)
		return clock.base + (now_ms - clock.base_ms) / 1000;
	/* LAB 3: END */
	return FS_EPOCH + now_ms / 1000;
}

void fs_corrupt(const char *what, uint32_t n)
{
	comp_log("fs: corrupt file system: %s %u\n", what, (unsigned)n);
	/* As Linux's ext2_error(): the volume is marked as having errors,
	 * on the disk too (fs_save_errors, when the request ends), so that
	 * e2fsck -p checks it even after a clean unmount. */
	if (fs.state == FS_RW && !(fs.mount_state & EXT2_ERROR_FS)) {
		fs.mount_state |= EXT2_ERROR_FS;
		fs.errors_unsaved = 1;
	}
}

int fs_block_ok(uint32_t blk)
{
	return blk >= fs.first_data_block && blk < fs.blocks;
}

static int refuse(const char *why, uint32_t n)
{
	comp_log("fs: refusing to mount the disk: %s (%u)\n", why, (unsigned)n);
	fs.state = FS_REFUSED;
	return -EIO;
}

/* Feature bits by the names e2fsprogs gives them (mke2fs -O, tune2fs -O,
 * dumpe2fs), indexed by bit number, so that a refusal says what to turn
 * off. The bits are those of the ext2 documentation's "s_feature_incompat"
 * and "s_feature_ro_compat" tables, with their later ext4 additions. */
static const char *const incompat_names[32] = {
	"compression",
	"filetype",
	"needs_recovery",
	"journal_dev",
	"meta_bg",
	NULL,
	"extent",
	"64bit",
	"mmp",
	"flex_bg",
	"ea_inode",
	NULL,
	"dirdata",
	"metadata_csum_seed",
	"large_dir",
	"inline_data",
	"encrypt",
	"casefold",
};
static const char *const ro_compat_names[32] = {
	"sparse_super",  "large_file",     NULL,        "huge_file", "uninit_bg",
	"dir_nlink",     "extra_isize",    NULL,        "quota",     "bigalloc",
	"metadata_csum", "replica",        "read-only", "project",   "shared_blocks",
	"verity",        "orphan_present",
};

/* "extent 64bit flex_bg": the names of the bits set, in hex if unknown. */
static const char *feature_list(uint32_t bits, const char *const names[32])
{
	static char buf[256];
	uint32_t len = 0;
	buf[0] = 0;
	for (uint32_t i = 0; i < 32 && len < sizeof(buf); i++) {
		if (!(bits & (1u << i)))
			continue;
		const char *sep = len ? " " : "";
		if (names[i])
			len += (uint32_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", sep,
						  names[i]);
		else
			len += (uint32_t)snprintf(buf + len, sizeof(buf) - len, "%s%#x", sep,
						  (unsigned)(1u << i));
	}
	return buf;
}

static uint32_t log2u(uint32_t x)
{
	uint32_t l = 0;
	while ((1u << l) < x)
		l++;
	return l;
}

/* "Block Group Descriptor Table": group g's descriptor. The bitmaps and
 * the inode table must lie inside the file system. */
struct ext2_group_desc *gd_get(uint32_t g, struct buf **bp)
{
	if (g >= fs.ngroups)
		return NULL;
	uint32_t per = fs.bs / sizeof(struct ext2_group_desc);
	struct buf *b = bread(fs.gdt_block + g / per);
	if (!b)
		return NULL;
	struct ext2_group_desc *gd = (struct ext2_group_desc *)b->data + g % per;
	if (!fs_block_ok(gd->bg_block_bitmap) || !fs_block_ok(gd->bg_inode_bitmap) ||
	    !fs_block_ok(gd->bg_inode_table) || fs.itable_blocks > fs.blocks - gd->bg_inode_table) {
		fs_corrupt("group descriptor", g);
		brelse(b);
		return NULL;
	}
	*bp = b;
	return gd;
}

/* The superblock's own consistency ("Superblock" in the spec). */
static int check_super(const struct ext2_super *sb, uint32_t disk_sectors)
{
	if (sb->s_magic != EXT2_MAGIC)
		return refuse("no ext2 magic number", sb->s_magic);
	if (sb->s_rev_level != EXT2_DYNAMIC_REV)
		return refuse("only revision 1 is supported; revision", sb->s_rev_level);
	if (sb->s_log_block_size > EXT2_MAX_BLOCK_LOG - EXT2_MIN_BLOCK_LOG)
		return refuse("block size too large; log", sb->s_log_block_size);
	uint32_t incompat = sb->s_feature_incompat & ~EXT2_INCOMPAT_SUPPORTED;
	if (incompat) {
		comp_log("fs: refusing to mount the disk: unsupported incompatible features: %s\n",
			 feature_list(incompat, incompat_names));
		fs.state = FS_REFUSED;
		return -EIO;
	}

	fs.bs = 1024u << sb->s_log_block_size;
	fs.bs_shift = log2u(fs.bs);
	fs.ptrs = fs.bs / 4;
	fs.ptr_shift = fs.bs_shift - 2;
	fs.blocks = sb->s_blocks_count;
	fs.inodes = sb->s_inodes_count;
	fs.first_data_block = sb->s_first_data_block;
	fs.bpg = sb->s_blocks_per_group;
	fs.ipg = sb->s_inodes_per_group;
	fs.isz = sb->s_inode_size;
	fs.first_ino = sb->s_first_ino;

	/* 1 KiB blocks: block 0 is the boot block and the superblock is
	 * block 1; larger blocks: the superblock is inside block 0. */
	if (fs.first_data_block != (fs.bs == 1024 ? 1u : 0u))
		return refuse("bad first data block", fs.first_data_block);
	if (fs.blocks <= fs.first_data_block + 1 || fs.blocks > (disk_sectors >> (fs.bs_shift - 9)))
		return refuse("block count does not fit the disk", fs.blocks);
	if (fs.bpg < 8 || fs.bpg > 8 * fs.bs || fs.bpg % 8)
		return refuse("bad blocks per group", fs.bpg);
	if (fs.ipg < 1 || fs.ipg > 8 * fs.bs)
		return refuse("bad inodes per group", fs.ipg);
	if (fs.isz < EXT2_GOOD_OLD_INODE_SIZE || fs.isz > fs.bs || (fs.isz & (fs.isz - 1)))
		return refuse("bad inode size", fs.isz);
	fs.ngroups = (fs.blocks - fs.first_data_block + fs.bpg - 1) / fs.bpg;
	if (fs.inodes / fs.ipg != fs.ngroups || fs.inodes % fs.ipg)
		return refuse("inode count does not match the groups", fs.inodes);
	if (fs.first_ino < EXT2_GOOD_OLD_FIRST_INO || fs.first_ino >= fs.inodes)
		return refuse("bad first inode", fs.first_ino);
	if (sb->s_free_blocks_count > fs.blocks || sb->s_free_inodes_count > fs.inodes)
		return refuse("free counts larger than the totals", sb->s_free_blocks_count);
	fs.itable_blocks = (fs.ipg * fs.isz + fs.bs - 1) >> fs.bs_shift;
	fs.gdt_block = fs.first_data_block + 1;
	uint32_t gdt_blocks = (fs.ngroups * 32 + fs.bs - 1) >> fs.bs_shift;
	if (gdt_blocks >= fs.blocks - fs.gdt_block)
		return refuse("group descriptors do not fit", gdt_blocks);
	fs.filetype = !!(sb->s_feature_incompat & EXT2_FEATURE_INCOMPAT_FILETYPE);
	fs.dir_index = !!(sb->s_feature_compat & EXT2_FEATURE_COMPAT_DIR_INDEX);
	return 0;
}

/* Every descriptor, and the free counts, which are kept as the sums of
 * the groups' (e2fsck checks the superblock's against them). */
static int check_groups(void)
{
	fs.free_blocks = fs.free_inodes = 0;
	for (uint32_t g = 0; g < fs.ngroups; g++) {
		struct buf *b;
		struct ext2_group_desc *gd = gd_get(g, &b);
		if (!gd)
			return refuse("bad group descriptor", g);
		uint32_t first = fs.first_data_block + g * fs.bpg;
		uint32_t nblk = fs.blocks - first < fs.bpg ? fs.blocks - first : fs.bpg;
		int bad = gd->bg_free_blocks_count > nblk || gd->bg_free_inodes_count > fs.ipg ||
			  gd->bg_used_dirs_count > fs.ipg;
		fs.free_blocks += gd->bg_free_blocks_count;
		fs.free_inodes += gd->bg_free_inodes_count;
		brelse(b);
		if (bad)
			return refuse("bad counts in group", g);
	}
	return 0;
}

/* "s_state" says whether the volume was cleanly unmounted (EXT2_VALID_FS)
 * and whether errors were found (EXT2_ERROR_FS); e2fsck -p skips a volume
 * that says VALID_FS and not ERROR_FS. Linux's ext2 clears VALID_FS on the
 * disk at a read-write mount (ext2_setup_super, ext2_sync_fs) and writes
 * back the state it found, plus any error, at the unmount (ext2_put_super):
 * so a volume that was not clean when mounted stays so until e2fsck, and a
 * stop without an unmount leaves it not clean. This code does the same. */
#define DFL_MAX_MNT_COUNT 20 /* Linux's EXT2_DFL_MAX_MNT_COUNT, for a volume with 0 */

/* Writes the superblock now: its state as it should be on the disk (see
 * above), the free counts, and, when mounting, one more mount. */
static int sb_write(int mounting)
{
	struct buf *b = bread(EXT2_SB_OFFSET >> fs.bs_shift);
	if (!b)
		return -EIO;
	struct ext2_super *sb = (struct ext2_super *)(b->data + (EXT2_SB_OFFSET & (fs.bs - 1)));
	if (mounting) {
		if (!sb->s_max_mnt_count)
			sb->s_max_mnt_count = DFL_MAX_MNT_COUNT;
		sb->s_mnt_count++;
	}
	sb->s_state = fs.sb_clean ? fs.mount_state : fs.mount_state & ~EXT2_VALID_FS;
	sb->s_free_blocks_count = fs.free_blocks;
	sb->s_free_inodes_count = fs.free_inodes;
	sb->s_wtime = fs_now(); /* s_mtime is left alone */
	int r = bwrite(b);
	brelse(b);
	return r;
}

/* What Linux's ext2_setup_super says at a mount that needs a check (there
 * is no clock, so s_checkinterval is not looked at). */
static void mount_warnings(const struct ext2_super *sb)
{
	if (!(sb->s_state & EXT2_VALID_FS))
		comp_log("fs: warning: mounting a file system that was not cleanly unmounted; "
			 "run e2fsck\n");
	else if (sb->s_state & EXT2_ERROR_FS)
		comp_log("fs: warning: mounting a file system with errors; run e2fsck\n");
	else if ((int16_t)sb->s_max_mnt_count >= 0 && sb->s_mnt_count >= sb->s_max_mnt_count)
		comp_log("fs: warning: maximal mount count reached (%u); run e2fsck\n",
			 (unsigned)sb->s_mnt_count);
}

int fs_mount(void)
{
	static uint8_t sbbuf[EXT2_SB_SIZE] __attribute__((aligned(4)));
	static int told; /* say "no disk" once, not at every request */
	uint32_t sectors = 0;

	memset(&fs, 0, sizeof(fs));
	fs.state = FS_UNMOUNTED;
	icache_init();
	int r = disk_info(&sectors);
	if (r < 0) {
		if (!told++)
			comp_log("fs: no disk yet (error %d); will try again\n", r);
		return -EIO;
	}
	if (sectors < (EXT2_SB_OFFSET + EXT2_SB_SIZE) / ATA_SECTOR)
		return refuse("disk too small; sectors", sectors);
	if (disk_io(ATA_READ, EXT2_SB_OFFSET / ATA_SECTOR, EXT2_SB_SIZE / ATA_SECTOR, sbbuf) < 0) {
		comp_log("fs: cannot read the superblock\n");
		return -EIO;
	}
	const struct ext2_super *sb = (const struct ext2_super *)sbbuf;
	if ((r = check_super(sb, sectors)) < 0)
		return r;
	bcache_init(fs.bs, fs.blocks);
	if ((r = check_groups()) < 0)
		return r;

	uint32_t ro = sb->s_feature_ro_compat & ~EXT2_RO_COMPAT_SUPPORTED;
	fs.mount_state = sb->s_state;
	fs.state = ro ? FS_RO : FS_RW;
	struct inode *root;
	if (iget(EXT2_ROOT_INO, &root) < 0)
		return refuse("bad root inode", EXT2_ROOT_INO);
	int root_dir = is_dir(root);
	iput(root);
	if (!root_dir)
		return refuse("the root inode is not a directory", EXT2_ROOT_INO);
	if (ro)
		comp_log("fs: read-only: unsupported read-only features: %s\n",
			 feature_list(ro, ro_compat_names));
	mount_warnings(sb);
	wlog_mounted(sb);
	if (!ro && sb_write(1) < 0)
		comp_log("fs: warning: cannot mark the file system as mounted\n");
	comp_log("fs: mounted ext2, %u blocks of %u bytes, %u inodes, %u groups%s\n",
		 (unsigned)fs.blocks, (unsigned)fs.bs, (unsigned)fs.inodes, (unsigned)fs.ngroups,
		 ro ? ", read-only" : "");
	return 0;
}

int fs_unmount(void)
{
	if (fs.state != FS_RW)
		return 0;
	int r = fs_sync();
	if (r < 0 || fs.sb_clean) /* nothing changed since the last unmount */
		return r;
	fs.sb_clean = 1;
	if ((r = sb_write(0)) < 0)
		fs.sb_clean = 0;
	return r;
}

int fs_changing(void)
{
	if (fs.state != FS_RW || !fs.sb_clean)
		return 0;
	/* Not clean on the disk before anything else changes there. */
	fs.sb_clean = 0;
	return sb_write(0);
}

void fs_save_errors(void)
{
	if (fs.state == FS_RW && fs.errors_unsaved && sb_write(0) == 0)
		fs.errors_unsaved = 0;
}

int fs_sync(void)
{
	if (fs.state != FS_RW)
		return fs.state == FS_RO ? 0 : -EIO;
	/* The superblock's free counts, only when they changed: a sync of a
	 * clean file system writes nothing. */
	uint32_t blk = EXT2_SB_OFFSET >> fs.bs_shift, off = EXT2_SB_OFFSET & (fs.bs - 1);
	struct buf *b = bread(blk);
	if (!b)
		return -EIO;
	struct ext2_super *sb = (struct ext2_super *)(b->data + off);
	if (sb->s_free_blocks_count != fs.free_blocks ||
	    sb->s_free_inodes_count != fs.free_inodes) {
		sb->s_free_blocks_count = fs.free_blocks;
		sb->s_free_inodes_count = fs.free_inodes;
		sb->s_wtime = fs_now();
		bdirty_range(b, &sb->s_free_blocks_count, 2 * sizeof(sb->s_free_blocks_count));
		bdirty_range(b, &sb->s_wtime, sizeof(sb->s_wtime));
	}
	brelse(b);
	return bcache_sync();
}
