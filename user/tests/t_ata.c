/* t_ata: the disk driver's protocol and checks, called directly with the right the system's table gives this test */
#define TEST_NAME "t_ata"
#include <stdlib.h>

#include "check.h"

#include <abi/fs.h>

/* The driver is private: only the file service may call it, and the
 * programs common/system.conf names, as it names this test, so that the
 * driver can be checked on its own in every placement. It only writes back
 * what it has just read, so the file system is unchanged. */

#define EXT2_MAGIC_OFFSET (1024 + 56) /* s_magic in the superblock */
#define EXT2_MAGIC        0xEF53

static uint8_t big[ATA_MAX_SECTORS * ATA_SECTOR], again[ATA_MAX_SECTORS * ATA_SECTOR];

static int ata(int type, uint32_t lba, uint32_t count, void *buf, uint32_t len, uint32_t rights)
{
	struct msg m = {.type = type};

	m.w[0] = lba;
	m.w[1] = count;
	m.grant.addr = (uint32_t)buf;
	m.grant.len = len;
	m.grant.rights = rights;
	return svc_call(SVC_ATA, &m);
}

static uint32_t disk_sectors(void)
{
	struct msg m = {.type = ATA_INFO};
	int r = svc_call(SVC_ATA, &m);

	check_int("ATA_INFO", r, 0);
	check(m.w[0] > 0, "the disk has sectors");
	printf("     %u sectors\n", m.w[0]);
	return m.w[0];
}

int main(void)
{
	uint8_t sector[ATA_SECTOR];
	uint32_t n = disk_sectors();

	check_int("read sectors 0-2", ata(ATA_READ, 0, 3, big, 3 * ATA_SECTOR, GRANT_WRITE), 0);
	check_int("the ext2 magic", big[EXT2_MAGIC_OFFSET] | big[EXT2_MAGIC_OFFSET + 1] << 8,
		  EXT2_MAGIC);

	/* The largest request, at the very end of the disk: written back
	 * unchanged and read again. */
	uint32_t last = n - ATA_MAX_SECTORS;

	check_int("read 256 sectors", ata(ATA_READ, last, 256, big, sizeof(big), GRANT_WRITE), 0);
	check_int("write them back", ata(ATA_WRITE, last, 256, big, sizeof(big), GRANT_READ), 0);
	check_int("read them again", ata(ATA_READ, last, 256, again, sizeof(again), GRANT_WRITE),
		  0);
	check(memcmp(big, again, sizeof(big)) == 0, "the same bytes came back");
	check_int("one sector inside a bigger grant",
		  ata(ATA_READ, last + 5, 1, sector, sizeof(sector), GRANT_WRITE), 0);
	check(memcmp(sector, big + 5 * ATA_SECTOR, ATA_SECTOR) == 0, "it is the right sector");

	check_err("count 0", ata(ATA_READ, 0, 0, big, sizeof(big), GRANT_WRITE), -EINVAL);
	check_err("count 257", ata(ATA_READ, 0, 257, big, sizeof(big), GRANT_WRITE), -EINVAL);
	check_err("the sector after the last", ata(ATA_READ, n, 1, sector, 512, GRANT_WRITE),
		  -EINVAL);
	check_err("a request running past the end",
		  ata(ATA_READ, n - 1, 2, big, sizeof(big), GRANT_WRITE), -EINVAL);
	check_err("a grant smaller than the count",
		  ata(ATA_READ, 0, 2, big, ATA_SECTOR, GRANT_WRITE), -EFAULT);
	check_err("a read without the write right",
		  ata(ATA_READ, 0, 1, sector, sizeof(sector), GRANT_READ), -EFAULT);
	check_err("a write without the read right",
		  ata(ATA_WRITE, last, 1, sector, sizeof(sector), GRANT_WRITE), -EFAULT);
	check_err("an unknown request", ata(99, 0, 1, sector, sizeof(sector), GRANT_WRITE),
		  -ENOSYS);
	pass();
}
