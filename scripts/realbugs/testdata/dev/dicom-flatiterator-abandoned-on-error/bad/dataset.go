// Package dicom reconstructs suyashkumar/dicom#183 (addressed by #184,
// commit 1b4465a) before the fix: Dataset.FlatIterator returns an unbuffered
// channel fed by a goroutine that walks the elements, recursing into
// sequences. A caller that returns from its range loop on an error (the
// issue's DatasetInspector) leaves the goroutine blocked on its next send.
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

func flatElementsIterator(elems []*Element, elemChan chan<- *Element) {
	for _, elem := range elems {
		if elem.VR == "SQ" {
			elemChan <- elem // LEAK
			for _, item := range elem.Items {
				flatElementsIterator(item.Elements, elemChan)
			}
			continue
		}
		elemChan <- elem // LEAK
	}
}

// inspect runs check on every element and stops at the first error, like
// the DatasetInspector of the issue.
func inspect(d *Dataset, check func(*Element) error) error {
	for elem := range d.FlatIterator() {
		if err := check(elem); err != nil {
			return fmt.Errorf("element %04x,%04x: %w", elem.Tag.Group, elem.Tag.Element, err)
		}
	}
	return nil
}
