// Package dicom reconstructs suyashkumar/dicom#183 (addressed by #184,
// commit 1b4465a) after the fix: the channel API gained
// ExhaustElementChannel, and a caller that may stop early defers it, so the
// feeding goroutine always runs to the end.
package dicom

import "fmt"

// Tag is a DICOM (group, element) tag.
type Tag struct{ Group, Element uint16 }

// Element is one data element; a sequence holds items of nested elements.
type Element struct {
	Tag   Tag
	VR    string
	Value []string
	Items []*SequenceItem // for VR "SQ"
}

// SequenceItem is one item of a sequence.
type SequenceItem struct {
	Elements []*Element
}

// Dataset is a parsed DICOM file.
type Dataset struct {
	Elements []*Element
}

// FlatIterator returns a channel upon which every element in this Dataset
// will be sent, including elements nested inside sequences.
func (d *Dataset) FlatIterator() <-chan *Element {
	elemChan := make(chan *Element)
	go func() {
		flatElementsIterator(d.Elements, elemChan)
		close(elemChan)
	}()
	return elemChan
}

// ExhaustElementChannel exhausts the channel iterator returned by
// Dataset.FlatIterator, ensuring that the underlying goroutine completes.
func ExhaustElementChannel(c <-chan *Element) {
	for range c {
	}
}

func flatElementsIterator(elems []*Element, elemChan chan<- *Element) {
	for _, elem := range elems {
		if elem.VR == "SQ" {
			elemChan <- elem
			for _, item := range elem.Items {
				flatElementsIterator(item.Elements, elemChan)
			}
			continue
		}
		elemChan <- elem
	}
}

// inspect runs check on every element and stops at the first error, like
// the DatasetInspector of the issue.
func inspect(d *Dataset, check func(*Element) error) error {
	c := d.FlatIterator()
	defer ExhaustElementChannel(c)
	for elem := range c {
		if err := check(elem); err != nil {
			return fmt.Errorf("element %04x,%04x: %w", elem.Tag.Group, elem.Tag.Element, err)
		}
	}
	return nil
}
