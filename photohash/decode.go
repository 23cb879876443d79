package photohash

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"io"

	_ "image/gif"  // register GIF
	_ "image/jpeg" // register JPEG
	_ "image/png"  // register PNG

	_ "golang.org/x/image/webp" // register WebP

	"github.com/redthread/redthread/internal/safefile"
	"github.com/redthread/redthread/photohash/internal/jpegscale"
)

// Limits bounds what Decode accepts, to keep memory bounded on hostile input.
type Limits struct {
	MaxPixels int   // largest width*height accepted (checked from the header before decoding)
	MaxBytes  int64 // largest encoded file accepted
}

// DefaultLimits refuses images over 50 megapixels or 20 MB.
var DefaultLimits = Limits{MaxPixels: 50_000_000, MaxBytes: 20 << 20}

// Errors returned (wrapped) by Decode.
var (
	ErrTooLarge    = errors.New("image too large")
	ErrEmpty       = errors.New("empty file")
	ErrUnsupported = errors.New("unsupported image format")
)

// allowedFormats are the image formats Decode accepts (names as registered with package image).
var allowedFormats = map[string]bool{"jpeg": true, "png": true, "gif": true, "webp": true}

// Decode reads one JPEG, PNG, GIF (first frame) or WebP image from r. It reads at most
// lim.MaxBytes+1 bytes, checks the dimensions with image.DecodeConfig before decoding any
// pixels, and applies the EXIF orientation of JPEG files (which Go's JPEG decoder ignores), so
// a phone photo stored sideways hashes the same as its upright repost.
func Decode(r io.Reader, lim Limits) (img image.Image, err error) {
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read image: %w", err)
	}
	return decodeBytes(data, lim)
}

// DecodeFile is Decode on the named file; errors name the file. Only a
// regular file is read: a FIFO or device path is refused without blocking.
func DecodeFile(path string, lim Limits) (image.Image, error) {
	data, err := readFile(path, lim)
	if err != nil {
		return nil, err
	}
	img, err := decodeBytes(data, lim)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", path, err)
	}
	return img, nil
}

// readFile reads at most lim.MaxBytes+1 bytes of the named file, refusing a larger regular
// file from its size before reading.
func readFile(path string, lim Limits) ([]byte, error) {
	f, _, err := safefile.Open(path) // regular files only, never blocking on a FIFO
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > lim.MaxBytes {
		return nil, fmt.Errorf("decode %s: %w: %d bytes > %d", path, ErrTooLarge, st.Size(), lim.MaxBytes)
	}
	data, err := io.ReadAll(io.LimitReader(f, lim.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("decode %s: read image: %w", path, err)
	}
	return data, nil
}

// checkHeader applies lim to the image's header (format, dimensions) before any pixel is
// decoded.
func checkHeader(data []byte, lim Limits) (image.Config, string, error) {
	if len(data) == 0 {
		return image.Config{}, "", ErrEmpty
	}
	if int64(len(data)) > lim.MaxBytes {
		return image.Config{}, "", fmt.Errorf("%w: more than %d bytes", ErrTooLarge, lim.MaxBytes)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		if errors.Is(err, image.ErrFormat) {
			return image.Config{}, "", fmt.Errorf("%w (not JPEG, PNG, GIF or WebP)", ErrUnsupported)
		}
		return image.Config{}, "", fmt.Errorf("read image header: %w", err)
	}
	if !allowedFormats[format] {
		return image.Config{}, "", fmt.Errorf("%w: %s", ErrUnsupported, format)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return image.Config{}, "", fmt.Errorf("%s: bad dimensions %dx%d", format, cfg.Width, cfg.Height)
	}
	if int64(cfg.Width)*int64(cfg.Height) > int64(lim.MaxPixels) {
		return image.Config{}, "", fmt.Errorf("%w: %s %dx%d is over %d pixels", ErrTooLarge, format, cfg.Width, cfg.Height, lim.MaxPixels)
	}
	return cfg, format, nil
}

func decodeBytes(data []byte, lim Limits) (img image.Image, err error) {
	_, format, err := checkHeader(data, lim)
	if err != nil {
		return nil, err
	}
	// The standard decoders are not expected to panic, but a crash on hostile input is worse
	// than an error.
	defer func() {
		if p := recover(); p != nil {
			img, err = nil, fmt.Errorf("decode %s: decoder panic: %v", format, p)
		}
	}()
	img, _, err = image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", format, err)
	}
	if b := img.Bounds(); int64(b.Dx())*int64(b.Dy()) > int64(lim.MaxPixels) {
		return nil, fmt.Errorf("%w: %s %dx%d is over %d pixels", ErrTooLarge, format, b.Dx(), b.Dy(), lim.MaxPixels)
	}
	if format == "jpeg" {
		if o := exifOrientation(data); o > 1 {
			img = orient(img, o)
		}
	}
	return img, nil
}

// decodeReduced decodes data straight to the reduced luma image the hashes are computed from.
// A JPEG (whose Y plane is luma) is decoded at 1/2, 1/4 or 1/8 by DCT scaling, luma only, to
// the smallest size whose shorter side keeps at least jpegMinSide pixels; other formats (and
// CMYK or RGB JPEGs) are decoded whole and reduced. EXIF orientation is applied either way.
func decodeReduced(data []byte, lim Limits) (l lumaImage, err error) {
	cfg, format, err := checkHeader(data, lim)
	if err != nil {
		return lumaImage{}, err
	}
	if format == "jpeg" {
		scale := 8
		for scale > 1 && min(cfg.Width, cfg.Height)/scale < jpegMinSide {
			scale /= 2
		}
		gray, err := decodeJPEGLuma(data, scale)
		if err == nil {
			l = reduce(gray)
			if o := exifOrientation(data); o > 1 {
				l = l.orient(o)
			}
			return l, nil
		}
		if !errors.Is(err, jpegscale.ErrNotLuma) {
			return lumaImage{}, fmt.Errorf("decode jpeg: %w", err)
		}
	}
	img, err := decodeBytes(data, lim)
	if err != nil {
		return lumaImage{}, err
	}
	return reduce(img), nil
}

// jpegMinSide is the shortest side DCT scaling may reduce a JPEG to: the 64×64 grid PDQ reads
// then still averages more than one pixel per cell.
const jpegMinSide = 96

// decodeJPEGLuma is jpegscale.DecodeLuma with decoder panics turned into errors.
func decodeJPEGLuma(data []byte, scale int) (g *image.Gray, err error) {
	defer func() {
		if p := recover(); p != nil {
			g, err = nil, fmt.Errorf("decoder panic: %v", p)
		}
	}()
	return jpegscale.DecodeLuma(bytes.NewReader(data), scale)
}

// exifOrientation returns the EXIF Orientation tag (1..8) of a JPEG file, or 0 if absent or
// malformed. It never reads outside data.
func exifOrientation(data []byte) int {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return 0
	}
	p := 2
	for p+4 <= len(data) {
		if data[p] != 0xFF {
			return 0
		}
		marker := data[p+1]
		if marker == 0xFF { // fill byte
			p++
			continue
		}
		if marker == 0xD9 || marker == 0xDA { // end of image, start of scan: no more metadata
			return 0
		}
		if marker >= 0xD0 && marker <= 0xD7 || marker == 0x01 { // no length
			p += 2
			continue
		}
		n := int(binary.BigEndian.Uint16(data[p+2:]))
		if n < 2 || p+2+n > len(data) {
			return 0
		}
		seg := data[p+4 : p+2+n]
		if marker == 0xE1 && len(seg) >= 6 && string(seg[:6]) == "Exif\x00\x00" {
			if o := tiffOrientation(seg[6:]); o != 0 {
				return o
			}
		}
		p += 2 + n
	}
	return 0
}

// tiffOrientation reads tag 0x0112 from IFD0 of a TIFF header (the body of an Exif segment).
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 0
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0
	}
	if bo.Uint16(t[2:]) != 42 {
		return 0
	}
	off := int64(bo.Uint32(t[4:]))
	if off < 8 || off+2 > int64(len(t)) {
		return 0
	}
	n := int64(bo.Uint16(t[off:]))
	for i := range n {
		e := off + 2 + 12*i
		if e+12 > int64(len(t)) {
			return 0
		}
		if bo.Uint16(t[e:]) != 0x0112 {
			continue
		}
		if typ := bo.Uint16(t[e+2:]); typ != 3 { // SHORT
			return 0
		}
		if v := int(bo.Uint16(t[e+8:])); v >= 1 && v <= 8 {
			return v
		}
		return 0
	}
	return 0
}

// orient returns img transformed so that EXIF orientation o (2..8) becomes upright.
func orient(img image.Image, o int) image.Image {
	b := img.Bounds()
	src, ok := img.(*image.RGBA)
	if !ok || b.Min != (image.Point{}) {
		src = image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(src, src.Bounds(), img, b.Min, draw.Src)
	}
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range dh {
		drow := dst.Pix[y*dst.Stride : y*dst.Stride+4*dw]
		for x := range dw {
			var sx, sy int
			switch o {
			case 2:
				sx, sy = w-1-x, y
			case 3:
				sx, sy = w-1-x, h-1-y
			case 4:
				sx, sy = x, h-1-y
			case 5:
				sx, sy = y, x
			case 6:
				sx, sy = y, h-1-x
			case 7:
				sx, sy = w-1-y, h-1-x
			case 8:
				sx, sy = w-1-y, x
			default:
				sx, sy = x, y
			}
			copy(drow[4*x:4*x+4], src.Pix[sy*src.Stride+4*sx:])
		}
	}
	return dst
}
