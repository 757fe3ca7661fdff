package photogen

import (
	"fmt"
	"hash/fnv"
)

// Case is one picture of the corpus.
type Case struct {
	// Category groups the cases: "clean", "scaled", "rotated",
	// "perspective", "blurred", "jpeg", "noisy", "low contrast",
	// "inverted", "small in large photo", "screenshot", "photo".
	Category string
	// Name tells the case apart within its category.
	Name  string
	Scene Scene
	// Hard marks a case beyond what the reader is required to read:
	// zbarimg does not read it either. Tests report it rather than fail.
	Hard bool
}

// hard names the cases that neither qrimage nor zbarimg 0.23 reads.
var hard = map[string]bool{
	"perspective/tilt 20,40 rotate 30 focal 700":            true,
	"perspective/tilt 55,0 rotate 0 focal 700":              true,
	"low contrast/130 on 148 shade 0.0":                     true,
	"photo/6 px tilt 45 rotate 5 blur 2.0 noise 12 jpeg 50": true,
}

// Corpus returns the pictures the tests read: for each category, from mild
// to harsh. A code of 61 modules (version 9 with its quiet zone, a
// credential's size) fits every scene.
func Corpus() []Case {
	var cs []Case
	add := func(cat, name string, s Scene) {
		if s.Width == 0 {
			s.Width, s.Height = 600, 600
		}
		if s.ModuleSize == 0 {
			s.ModuleSize = 4
		}
		h := fnv.New64a()
		h.Write([]byte(cat + "/" + name))
		s.Seed = h.Sum64()
		cs = append(cs, Case{Category: cat, Name: name, Scene: s, Hard: hard[cat+"/"+name]})
	}

	add("clean", "4 px per module", Scene{})
	add("clean", "texture around", Scene{Width: 900, Height: 700, Background: Texture, Paper: 2})

	for _, ms := range []float64{1.6, 2.3, 3.5, 7.3, 12} {
		size := max(300, int(ms*61)+100)
		add("scaled", fmt.Sprintf("%.1f px per module", ms), Scene{Width: size, Height: size, ModuleSize: ms})
	}

	for _, deg := range []float64{7, 30, 45, 80, 170} {
		add("rotated", fmt.Sprintf("%.0f degrees", deg), Scene{Rotate: deg, Background: Texture, Paper: 2})
	}

	for _, t := range []struct{ x, y, rot, focal float64 }{
		{15, 0, 0, 1500}, {0, 20, 0, 1500}, {20, 15, 10, 1200}, {30, 0, 0, 1200},
		{25, 0, 0, 700}, {0, 35, 0, 700}, {30, 20, 10, 700}, {45, 0, 5, 700}, {20, 40, 30, 700}, {55, 0, 0, 700},
	} {
		add("perspective", fmt.Sprintf("tilt %.0f,%.0f rotate %.0f focal %.0f", t.x, t.y, t.rot, t.focal), Scene{
			Width: 900, Height: 900, ModuleSize: 7, TiltX: t.x, TiltY: t.y, Rotate: t.rot,
			Focal: t.focal, Background: Texture, Paper: 3,
		})
	}

	for _, b := range []struct{ ms, sigma float64 }{{5, 1}, {5, 1.5}, {5, 2}, {5, 2.5}, {8, 3.5}, {3, 1.2}} {
		size := int(b.ms*61) + 120
		add("blurred", fmt.Sprintf("sigma %.1f at %.0f px", b.sigma, b.ms), Scene{Width: size, Height: size, ModuleSize: b.ms, Blur: b.sigma})
	}

	for _, j := range []struct {
		ms float64
		q  int
	}{{4, 50}, {4, 25}, {4, 10}, {3, 30}, {2.5, 60}, {6, 5}} {
		add("jpeg", fmt.Sprintf("quality %d at %.1f px", j.q, j.ms), Scene{ModuleSize: j.ms, JPEG: j.q, Background: Texture, Paper: 2})
	}

	for _, sigma := range []float64{15, 30, 45, 60, 80} {
		add("noisy", fmt.Sprintf("sigma %.0f", sigma), Scene{Noise: sigma})
	}
	add("noisy", "sigma 30 blur 1", Scene{Noise: 30, Blur: 1, ModuleSize: 5, Width: 700, Height: 700})

	for _, c := range []struct {
		dark, light uint8
		shade       float64
	}{{100, 160, 0}, {120, 150, 0}, {130, 148, 0}, {20, 235, 0.7}, {90, 170, 0.5}} {
		add("low contrast", fmt.Sprintf("%d on %d shade %.1f", c.dark, c.light, c.shade), Scene{
			Dark: c.dark, Light: c.light, Shade: c.shade, Paper: 3,
		})
	}

	add("inverted", "plain", Scene{Invert: true, Paper: 2})
	add("inverted", "rotated 20", Scene{Invert: true, Rotate: 20, Background: Texture, Paper: 2})
	add("inverted", "blurred", Scene{Invert: true, Blur: 1.5, ModuleSize: 5, Width: 700, Height: 700, Paper: 2})
	add("inverted", "dark screen with text", Scene{Invert: true, Width: 800, Height: 1000, Background: Text, Paper: 3, ModuleSize: 6})

	for _, l := range []struct {
		ms, x, y, rot float64
		q             int
	}{{3, 0, 0, 0, 0}, {2.5, 0.2, -0.1, 0, 0}, {2.2, -0.3, 0.25, 0, 0}, {3, 0.1, 0.1, 15, 0}, {3, -0.2, 0, 0, 85}, {2.5, 0.3, 0.3, 8, 90}} {
		add("small in large photo", fmt.Sprintf("%.1f px at %+.1f,%+.1f rotate %.0f jpeg %d", l.ms, l.x, l.y, l.rot, l.q), Scene{
			Width: 3000, Height: 2000, ModuleSize: l.ms, CenterX: l.x, CenterY: l.y, Rotate: l.rot,
			JPEG: l.q, Background: Texture, Paper: 4,
		})
	}

	for _, l := range []struct {
		ms, blur, noise float64
		q               int
		rot             float64
	}{{2, 0, 3, 0, 20}, {2.8, 1, 5, 70, 10}} {
		add("small in large photo", fmt.Sprintf("12 MP %.1f px blur %.1f noise %.0f jpeg %d rotate %.0f", l.ms, l.blur, l.noise, l.q, l.rot), Scene{
			Width: 4000, Height: 3000, ModuleSize: l.ms, CenterX: 0.15, CenterY: -0.2, Rotate: l.rot,
			Blur: l.blur, Noise: l.noise, JPEG: l.q, Background: Texture, Paper: 4,
		})
	}

	for _, sc := range []struct {
		w, h int
		ms   float64
		q    int
	}{{1080, 2340, 10, 0}, {1080, 2340, 6, 0}, {540, 1170, 4, 0}, {1080, 2340, 8, 70}, {720, 1560, 3, 80}} {
		add("screenshot", fmt.Sprintf("%dx%d %.0f px jpeg %d", sc.w, sc.h, sc.ms, sc.q), Scene{
			Width: sc.w, Height: sc.h, ModuleSize: sc.ms, CenterY: 0.05, Background: Text, Paper: 2, JPEG: sc.q,
		})
	}

	for _, p := range []struct {
		ms, tilt, rot, blur, noise float64
		q                          int
	}{{5, 25, 10, 1.2, 10, 70}, {4, 35, -20, 1, 15, 60}, {3, 20, 40, 0.8, 8, 80}, {6, 45, 5, 2, 12, 50}} {
		add("photo", fmt.Sprintf("%.0f px tilt %.0f rotate %.0f blur %.1f noise %.0f jpeg %d", p.ms, p.tilt, p.rot, p.blur, p.noise, p.q), Scene{
			Width: 1600, Height: 1200, ModuleSize: p.ms, TiltX: p.tilt, TiltY: p.tilt / 2, Rotate: p.rot,
			Blur: p.blur, Noise: p.noise, JPEG: p.q, Background: Texture, Paper: 3, Shade: 0.3, Focal: 1300,
		})
	}
	return cs
}
