# Bar chart of one benchmark group: the kernels side by side.
# tools/bench.py calls it as
#   gnuplot -e "datafile='...'; outbase='...'; pngterm='pngcairo'; chart_title='...';
#               ylab='...'; logy=1; nrows=4; ncols=4; titles='mono micro ...';
#               colors='#3b6fb6 ...'" tools/bench-bars.gp
# datafile: a comment line, then one row per figure: its label, then one
# median per kernel, in the order of titles ("?" where a kernel has no
# figure). Writes outbase.png and outbase.svg.
set datafile missing "?"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xrange [-0.6:nrows - 0.4]
set key top left
set grid ytics
set xtics rotate by -30 scale 0 font ",9" noenhanced
set title chart_title noenhanced
set ylabel ylab noenhanced
if (logy) { set logscale y; set format y "10^{%L}" } else { set yrange [0:*] }
set lmargin 12
set bmargin 7
do for [fmt in "png svg"] {
	if (fmt eq "png") { set terminal pngterm size 900,520 } else { set terminal svg size 900,520 dynamic }
	set output outbase.".".fmt
	plot for [i=1:ncols] datafile using i+1:xtic(1) title word(titles, i) \
	     linecolor rgb word(colors, i)
	set output
}
