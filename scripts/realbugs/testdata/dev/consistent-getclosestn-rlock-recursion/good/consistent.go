// Package consistent reconstructs buraksezer/consistent#23 after the fix:
// GetClosestN, which holds the read lock, calls the unexported
// getPartitionOwner, which does not lock again.
package consistent

import (
	"encoding/binary"
	"errors"
	"sort"
	"strconv"
	"sync"
)

var errInsufficientMemberCount = errors.New("insufficient member count")

type hasher interface {
	Sum64([]byte) uint64
}

type member interface {
	String() string
}

// Ring is a consistent hash ring with partitions.
type Ring struct {
	mu sync.RWMutex

	hasher         hasher
	replicas       int
	sortedSet      []uint64
	partitionCount uint64
	members        map[string]member
	partitions     map[int]member
	ring           map[uint64]member
}

func newRing(h hasher, partitions int, members ...member) *Ring {
	c := &Ring{
		hasher:         h,
		replicas:       3,
		partitionCount: uint64(partitions),
		members:        make(map[string]member),
		ring:           make(map[uint64]member),
	}
	for _, m := range members {
		c.add(m)
	}
	c.distributePartitions()
	return c
}

func (c *Ring) add(m member) {
	for i := 0; i < c.replicas; i++ {
		h := c.hasher.Sum64([]byte(strconv.Itoa(i) + m.String()))
		c.ring[h] = m
		c.sortedSet = append(c.sortedSet, h)
	}
	sort.Slice(c.sortedSet, func(i, j int) bool { return c.sortedSet[i] < c.sortedSet[j] })
	c.members[m.String()] = m
}

func (c *Ring) distributePartitions() {
	partitions := make(map[int]member)
	bs := make([]byte, 8)
	for partID := uint64(0); partID < c.partitionCount; partID++ {
		binary.LittleEndian.PutUint64(bs, partID)
		key := c.hasher.Sum64(bs)
		idx := sort.Search(len(c.sortedSet), func(i int) bool { return c.sortedSet[i] >= key })
		if idx >= len(c.sortedSet) {
			idx = 0
		}
		partitions[int(partID)] = c.ring[c.sortedSet[idx]]
	}
	c.partitions = partitions
}

// Add adds a member and redistributes the partitions.
func (c *Ring) Add(m member) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.members[m.String()]; ok {
		return
	}
	c.add(m)
	c.distributePartitions()
}

// FindPartitionID returns the partition of a key.
func (c *Ring) FindPartitionID(key []byte) int {
	return int(c.hasher.Sum64(key) % c.partitionCount)
}

// GetPartitionOwner returns the owner of a partition.
func (c *Ring) GetPartitionOwner(partID int) member {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.getPartitionOwner(partID)
}

// getPartitionOwner is GetPartitionOwner for callers holding c.mu.
func (c *Ring) getPartitionOwner(partID int) member {
	return c.partitions[partID]
}

// GetClosestN returns the count members closest to key.
func (c *Ring) GetClosestN(key []byte, count int) ([]member, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()

	var res []member
	if count > len(c.members) {
		return res, errInsufficientMemberCount
	}
	partID := c.FindPartitionID(key)
	owner := c.getPartitionOwner(partID)

	var ownerKey uint64
	var keys []uint64
	kmems := make(map[uint64]member)
	for name, m := range c.members {
		k := c.hasher.Sum64([]byte(name))
		if name == owner.String() {
			ownerKey = k
		}
		keys = append(keys, k)
		kmems[k] = m
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	idx := 0
	for idx < len(keys) {
		if keys[idx] == ownerKey {
			res = append(res, kmems[keys[idx]])
			break
		}
		idx++
	}
	for len(res) < count {
		idx++
		if idx >= len(keys) {
			idx = 0
		}
		res = append(res, kmems[keys[idx]])
	}
	return res, nil
}
