# micro/mono ratio of the medians, one bar per figure (or, with ylab, any
# ratio to mono: the macro workload's, one bar per kernel); the dashed line
# at 1 is "no cost", the dotted one at 1.10 the macro workload's target.
#   gnuplot -e "datafile='...'; outbase='...'; pngterm='pngcairo'; chart_title='...'" tools/bench-ratio.gp
# datafile: a comment line, then label, ratio. Writes outbase.png and .svg.
set style fill solid 0.85 border -1
set boxwidth 0.7
set key off
set grid ytics
set xtics rotate by -30 scale 0 font ",9" noenhanced
set title chart_title noenhanced
if (!exists("ylab")) ylab = "micro / mono (median)"
set ylabel ylab noenhanced
set logscale y
set ytics (0.125, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128)
set format y "%g"
set lmargin 12
set bmargin 7
stats datafile using 2 nooutput
set yrange [(STATS_min < 0.5 ? STATS_min / 1.5 : 0.5):(STATS_max * 1.6)]
do for [fmt in "png svg"] {
	if (fmt eq "png") { set terminal pngterm size 1000,520 } else { set terminal svg size 1000,520 dynamic }
	set output outbase.".".fmt
	plot datafile using 0:2:xtic(1) with boxes linecolor rgb "#7a5195", \
	     "" using 0:2:(sprintf("%.2f", $2)) with labels offset 0,0.7 font ",8", \
	     1 with lines dashtype 2 linecolor rgb "black", \
	     1.1 with lines dashtype 3 linecolor rgb "#c00000"
	set output
}
