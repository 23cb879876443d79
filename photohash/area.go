package photohash

// Area averaging: the hashing pipeline (HashImage) does not feed PDQ the full-size picture.
// It averages each window of the shrunk photo down to exactly 64×64 cells, every source pixel
// weighted by how much of it falls in the cell, and runs PDQ's DCT and median step on that
// (PDQ's own box filter and decimation are then the identity). The reference's blur is only half
// as wide as its decimation step, so its 64×64 samples alias fine texture: a mirror or a shift
// of a few pixels then moves many bits. Averaging over whole cells removes that aliasing.

// span is one source sample's weight in an output cell.
type span struct {
	first   int       // first source index
	weights []float32 // weights of first, first+1, ...; they sum to 1
}

// areaSpans maps n output cells onto the source interval [start, start+length) of a dimension
// with size samples.
func areaSpans(start, length float64, n, size int) []span {
	out := make([]span, n)
	step := length / float64(n)
	for i := range out {
		a := start + float64(i)*step
		b := a + step
		lo := int(a)
		hi := int(b)
		if float64(hi) == b {
			hi--
		}
		lo, hi = max(0, min(lo, size-1)), max(0, min(hi, size-1))
		w := make([]float32, hi-lo+1)
		var sum float64
		for k := lo; k <= hi; k++ {
			x := min(b, float64(k+1)) - max(a, float64(k))
			if x < 0 {
				x = 0
			}
			w[k-lo] = float32(x)
			sum += x
		}
		if sum <= 0 {
			w[0], sum = 1, 1
		}
		for k := range w {
			w[k] = float32(float64(w[k]) / sum)
		}
		out[i] = span{lo, w}
	}
	return out
}

// areaAverage64 averages the window (x0, y0, w, h) — in source pixels, fractional allowed — of
// the rows×cols luma buffer down to 64×64.
func areaAverage64(buf []float32, rows, cols int, x0, y0, w, h float64) []float32 {
	xs := areaSpans(x0, w, pdqDim, cols)
	ys := areaSpans(y0, h, pdqDim, rows)
	// Horizontal pass over the source rows the window touches.
	r0 := ys[0].first
	r1 := ys[pdqDim-1].first + len(ys[pdqDim-1].weights)
	tmp := make([]float32, (r1-r0)*pdqDim)
	for r := r0; r < r1; r++ {
		src := buf[r*cols : (r+1)*cols]
		dst := tmp[(r-r0)*pdqDim : (r-r0+1)*pdqDim]
		for j, s := range xs {
			var v float32
			for k, wt := range s.weights {
				v += wt * src[s.first+k]
			}
			dst[j] = v
		}
	}
	out := make([]float32, pdqDim*pdqDim)
	for i, s := range ys {
		dst := out[i*pdqDim : (i+1)*pdqDim]
		for k, wt := range s.weights {
			src := tmp[(s.first+k-r0)*pdqDim:]
			for j := range dst {
				dst[j] += wt * src[j]
			}
		}
	}
	return out
}
