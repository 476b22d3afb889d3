# Stacked bars of fault-injection outcomes (percent of the trials of a bar),
# in the house style of bench-bars.gp. tools/faultlab_report.py calls it as
#   gnuplot -e "datafile='...'; outbase='...'; chart_title='...'; nrows=8;
#               colours='#rgb ...'" tools/faultlab-bars.gp
# datafile: a header row (the word label, then each outcome's name in
# quotes), then a row per bar: its label and one percentage per outcome,
# in the order of colours. Writes outbase.png and outbase.svg.
set style data histogram
set style histogram rowstacked
set style fill solid 0.85 border -1
set boxwidth 0.75
set xrange [-0.6:nrows - 0.4]
set yrange [0:100]
set key outside right top
set grid ytics
set xtics rotate by -30 scale 0 font ",9" noenhanced
set title chart_title noenhanced
set ylabel "% of trials"
set lmargin 10
set bmargin 7
n = words(colours)
do for [fmt in "png svg"] {
	if (fmt eq "png") { set terminal pngcairo size 1000,520 } else { set terminal svg size 1000,520 dynamic }
	set output outbase.".".fmt
	plot for [i=1:n] datafile using (column(i+1)):xtic(1) \
	     title columnheader(i+1) linecolor rgb word(colours, i)
	set output
}
