namespace StickyPi.SampleData { }
