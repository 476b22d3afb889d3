mkdir -p /work/macro/src/docs /work/macro/src/bin /work/macro/copy
cd /work/macro
cp /bench/in/README.md /bench/in/01-boot-and-syscalls.md /bench/in/02-components.md src/docs
cp /bench/in/sh /bench/in/ls /bench/in/cat /bench/in/cp src/bin
write src/notes a line written by the macro benchmark
write -a src/notes and a second line appended to it
cp src/docs/README.md src/docs/01-boot-and-syscalls.md src/docs/02-components.md copy
cp src/bin/sh src/bin/ls src/bin/cat src/bin/cp src/notes copy
cat copy/README.md copy/01-boot-and-syscalls.md copy/02-components.md > all.txt
cat all.txt copy/notes > all2.txt
ls -l /work/macro src src/docs src/bin copy > listing
mv all2.txt copy/all.txt
stat copy/all.txt copy/sh > stat.txt
rm copy/sh copy/ls copy/cat
rm -r src
cd /work
rm -r /work/macro
write /work/macro.done ok
