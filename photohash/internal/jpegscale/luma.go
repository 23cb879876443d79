// Package jpegscale decodes the luma of a JPEG at 1/2, 1/4 or 1/8 of its size, the way libjpeg's
// DCT scaling does: at 1/8 each 8×8 block becomes its mean, read straight from the DC
// coefficient with no inverse DCT; chroma blocks are entropy-decoded (the bit stream needs it)
// but never reconstructed. It is Go's image/jpeg (Go 1.26, BSD licence: LICENSE) with the
// colour output replaced by one reduced gray plane.
package jpegscale

import (
	"errors"
	"image"
	"io"
)

// ErrNotLuma is returned for JPEGs whose first component is not luma (CMYK, YCCK, Adobe RGB):
// decode those with image/jpeg.
var ErrNotLuma = errors.New("jpegscale: first component is not luma")

// DecodeLuma decodes the luma (Y, or the gray channel) of the JPEG in r at 1/scale of its size
// (scale 1, 2, 4 or 8), rounded up. The JPEG's own Y plane is 0.299 R + 0.587 G + 0.114 B.
func DecodeLuma(r io.Reader, scale int) (*image.Gray, error) {
	switch scale {
	case 1, 2, 4, 8:
	default:
		return nil, errors.New("jpegscale: scale must be 1, 2, 4 or 8")
	}
	d := decoder{scale: scale}
	img, err := d.decode(r, false)
	if err != nil {
		return nil, err
	}
	return img.(*image.Gray), nil
}
