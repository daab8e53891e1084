module github.com/syspool/syspool

go 1.26.0
