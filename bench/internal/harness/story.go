package harness

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// WriteStory writes a script of n elements, as a client would, with workers at once: two scenes, five
// characters with two contexts each, a transition every 100 elements, an action every 10, lines
// otherwise; every 7th element has no character.
func WriteStory(base string, n, workers int) (int64, error) {
	c := &http.Client{Transport: AdminBearer(&http.Transport{MaxIdleConnsPerHost: workers}), Timeout: time.Minute}
	script, err := create(c, base+"/scripts", map[string]any{"title": fmt.Sprintf("A story of %d elements", n), "author": "bench"}, "scriptId")
	if err != nil {
		return 0, err
	}
	var scenes, cast []int64
	for i := range 2 {
		id, err := create(c, fmt.Sprintf("%s/scripts/%d/sections", base, script), map[string]any{"title": fmt.Sprintf("Scene %d", i+1), "kind": "scene"}, "headingId")
		if err != nil {
			return 0, err
		}
		scenes = append(scenes, id)
	}
	for _, name := range []string{"ROMEO", "JULIET", "NURSE", "BENVOLIO", "MERCUTIO"} {
		id, err := create(c, base+"/characters", map[string]any{"name": name, "description": "of Verona"}, "characterId")
		if err != nil {
			return 0, err
		}
		cast = append(cast, id)
		for _, from := range []int{1, n/2 + 1} {
			if _, err := create(c, base+"/characterContexts", map[string]any{
				"scriptId": script, "characterId": id, "startSequence": from,
				"context": map[string]any{"mood": fmt.Sprintf("from %d", from), "location": "Verona"},
			}, "contextId"); err != nil {
				return 0, err
			}
		}
	}
	work := make(chan int)
	var once sync.Once
	var firstErr error
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range work {
				if err := writeElement(c, base, script, scenes[i*len(scenes)/n], cast, i); err != nil {
					once.Do(func() { firstErr = err })
				}
			}
		})
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	return script, firstErr
}

func writeElement(c *http.Client, base string, script, scene int64, cast []int64, i int) error {
	text := fmt.Sprintf("Element %d: O, speak again, bright angel!", i)
	body := map[string]any{"scriptId": script, "sectionId": scene}
	if i%7 != 0 {
		body["characterId"] = cast[i%len(cast)]
	}
	var err error
	switch {
	case i%100 == 99:
		_, err = create(c, fmt.Sprintf("%s/scripts/%d/transitions", base, script), map[string]any{"text": "CUT TO:", "sectionId": scene}, "transitionId")
	case i%10 == 3:
		body["description"] = text
		_, err = create(c, base+"/actions", body, "actionId")
	default:
		body["text"] = text
		_, err = create(c, base+"/spokenWords", body, "dialogueId")
	}
	return err
}

func create(c *http.Client, url string, body map[string]any, idField string) (int64, error) {
	b, _ := json.Marshal(body)
	resp, err := c.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusCreated {
		return 0, fmt.Errorf("POST %s: %d %s", url, resp.StatusCode, raw)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		return 0, err
	}
	id, ok := out[idField].(float64)
	if !ok {
		return 0, fmt.Errorf("POST %s: no %s in the answer", url, idField)
	}
	return int64(id), nil
}

// Get reads a whole 200 answer.
func Get(c *http.Client, url string) ([]byte, error) {
	resp, err := c.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return b, nil
}
