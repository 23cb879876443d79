module github.com/redthread/redthread

go 1.26
