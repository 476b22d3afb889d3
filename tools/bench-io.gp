# Cost against size for an I/O benchmark: one line per series, both axes
# logarithmic. A line of slope 1 is a cost proportional to the bytes moved.
#   gnuplot -e "files='a.dat b.dat'; outbase='...'; pngterm='pngcairo'; chart_title='...';
#               ylab='...'; xlab='...'; xstep=16" tools/bench-io.gp
# Each file: a header line whose second word is the series' title, then
# rows of bytes and median cost. Writes outbase.png and outbase.svg.
set logscale x 2
set logscale y
set xtics xstep
set format x "%.0b%B"
set format y "10^{%L}"
set key top left noenhanced
set grid
set title chart_title noenhanced
set xlabel xlab noenhanced
set ylabel ylab noenhanced
do for [fmt in "png svg"] {
	if (fmt eq "png") { set terminal pngterm size 800,520 } else { set terminal svg size 800,520 dynamic }
	set output outbase.".".fmt
	plot for [f in files] f using 1:2 with linespoints pointtype 7 title columnheader(2)
	set output
}
