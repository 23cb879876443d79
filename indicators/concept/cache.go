package concept

import "hash/maphash"

// wordCache remembers the classes of the folded words of one language seen
// in earlier texts. It is an open-addressing table whose slots hold the
// word's bytes and, for the usual word with no phrase and few classes, the
// classes themselves, so that a lookup touches one slot (one or two cache
// lines) instead of a map's control bytes, key string and value.
type wordCache struct {
	slots []cacheSlot
	n     int
	long  map[string]*wordClasses // words longer than an inline key
}

// inlineKey is the longest word kept in a slot; longer ones go to the map.
const inlineKey = 22

// cacheSlots is the table size (a power of two); at most maxCache words
// are kept before the table starts afresh.
const cacheSlots = 2 * maxCache

type cacheSlot struct {
	h       uint64 // hash | 1; 0: empty
	klen    uint8
	ns      uint8 // number of singles held inline
	key     [inlineKey]byte
	singles [4]int16
	ext     *wordClasses // classes that do not fit inline (phrases, many singles)
}

var cacheSeed = maphash.MakeSeed()

// get returns the classes of the folded word f, computing and remembering
// them on the first sight. The returned slices are valid until the next
// call.
func (c *wordCache) get(ls *langSet, f []byte, word bool, sc *scratch) ([]int16, []nodeRef) {
	if len(f) > inlineKey {
		if c.long == nil || len(c.long) >= maxCache {
			c.long = make(map[string]*wordClasses, 64)
		}
		w, ok := c.long[string(f)]
		if !ok {
			w = ls.wordClasses(f, word, sc)
			c.long[string(f)] = w
		}
		return w.singles, w.phrases
	}
	if c.slots == nil {
		c.slots = make([]cacheSlot, cacheSlots)
	}
	h := maphash.Bytes(cacheSeed, f) | 1
	mask := uint64(len(c.slots) - 1)
	i := h & mask
	for {
		s := &c.slots[i]
		if s.h == 0 {
			break
		}
		if s.h == h && int(s.klen) == len(f) && string(s.key[:s.klen]) == string(f) {
			if s.ext != nil {
				return s.ext.singles, s.ext.phrases
			}
			return s.singles[:s.ns], nil
		}
		i = (i + 1) & mask
	}
	w := ls.wordClasses(f, word, sc)
	if c.n >= maxCache {
		clear(c.slots)
		c.n = 0
		i = h & mask
	}
	s := &c.slots[i]
	s.h, s.klen = h, uint8(len(f))
	copy(s.key[:], f)
	c.n++
	if len(w.phrases) == 0 && len(w.singles) <= len(s.singles) {
		s.ns = uint8(copy(s.singles[:], w.singles))
		s.ext = nil
		return s.singles[:s.ns], nil
	}
	s.ns, s.ext = 0, w
	return w.singles, w.phrases
}

// getGlued returns the single-word classes of the glued word in sc.glued
// (see gluedRun); such words are rare and are not remembered.
func (c *wordCache) getGlued(ls *langSet, sc *scratch) []int16 {
	return ls.wordClasses(sc.glued, true, sc).singles
}
