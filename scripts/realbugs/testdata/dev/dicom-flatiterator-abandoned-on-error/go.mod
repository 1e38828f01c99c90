module realbugs/dicom-flatiterator-abandoned-on-error

go 1.26
