module realbugs/consistent-getclosestn-rlock-recursion

go 1.26
