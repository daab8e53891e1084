// Rows transcribed from the size tables of the pages named in each block; keep one block per page.

package vmsize

// Memory-optimized sizes (E and M families).
var memoryOptimized = []page{
	// Ev3: https://learn.microsoft.com/azure/virtual-machines/sizes/memory-optimized/ev3-esv3-series
	// (MicrosoftDocs/azure-compute-docs@680de971).
	// One page for Ev3 and Esv3; one "Temp storage" figure per size, no disk count.
	{series: "Ev3", path: "sizes/memory-optimized/ev3-esv3-series", premiumStorage: false, sizes: []row{
		{"Standard_E2_v3", 2, 16, tempTotal(50), 0},
		{"Standard_E4_v3", 4, 32, tempTotal(100), 0},
		{"Standard_E8_v3", 8, 64, tempTotal(200), 0},
		{"Standard_E16_v3", 16, 128, tempTotal(400), 0},
		{"Standard_E20_v3", 20, 160, tempTotal(500), 0},
		{"Standard_E32_v3", 32, 256, tempTotal(800), 0},
		{"Standard_E48_v3", 48, 384, tempTotal(1200), 0},
		{"Standard_E64_v3", 64, 432, tempTotal(1600), 0},
		{"Standard_E64i_v3", 64, 432, tempTotal(1600), 0},
	}},
	// Esv3: https://learn.microsoft.com/azure/virtual-machines/sizes/memory-optimized/ev3-esv3-series
	// (MicrosoftDocs/azure-compute-docs@680de971).
	// Cache sizes are the figures in parentheses in the cached-throughput column.
	{series: "Esv3", path: "sizes/memory-optimized/ev3-esv3-series", premiumStorage: true, sizes: []row{
		{"Standard_E2s_v3", 2, 16, tempTotal(32), 50},
		{"Standard_E4s_v3", 4, 32, tempTotal(64), 100},
		{"Standard_E8s_v3", 8, 64, tempTotal(128), 200},
		{"Standard_E16s_v3", 16, 128, tempTotal(256), 400},
		{"Standard_E20s_v3", 20, 160, tempTotal(320), 400},
		{"Standard_E32s_v3", 32, 256, tempTotal(512), 800},
		{"Standard_E48s_v3", 48, 384, tempTotal(768), 1200},
		{"Standard_E64s_v3", 64, 432, tempTotal(864), 1600},
		{"Standard_E64is_v3", 64, 432, tempTotal(864), 1600},
	}},
	// Ev4: https://learn.microsoft.com/azure/virtual-machines/sizes/memory-optimized/ev4-series
	// (MicrosoftDocs/azure-compute-docs@8f7fc3d6).
	{series: "Ev4", path: "sizes/memory-optimized/ev4-series", premiumStorage: false, sizes: []row{
		{"Standard_E2_v4", 2, 16, noTempDisk, 0},
		{"Standard_E4_v4", 4, 32, noTempDisk, 0},
		{"Standard_E8_v4", 8, 64, noTempDisk, 0},
		{"Standard_E16_v4", 16, 128, noTempDisk, 0},
		{"Standard_E20_v4", 20, 160, noTempDisk, 0},
		{"Standard_E32_v4", 32, 256, noTempDisk, 0},
		{"Standard_E48_v4", 48, 384, noTempDisk, 0},
		{"Standard_E64_v4", 64, 504, noTempDisk, 0},
	}},
	// Edsv4: https://learn.microsoft.com/azure/virtual-machines/sizes/memory-optimized/edsv4-series
	// (MicrosoftDocs/azure-compute-docs@1827cf35).
	{series: "Edsv4", path: "sizes/memory-optimized/edsv4-series", premiumStorage: true, sizes: []row{
		{"Standard_E2ds_v4", 2, 16, tempDisks(1, 75), 0},
		{"Standard_E4ds_v4", 4, 32, tempDisks(1, 150), 0},
		{"Standard_E8ds_v4", 8, 64, tempDisks(1, 300), 0},
		{"Standard_E16ds_v4", 16, 128, tempDisks(1, 600), 0},
		{"Standard_E20ds_v4", 20, 160, tempDisks(1, 750), 0},
		{"Standard_E32ds_v4", 32, 256, tempDisks(1, 1200), 0},
		{"Standard_E48ds_v4", 48, 384, tempDisks(1, 1800), 0},
		{"Standard_E64ds_v4", 64, 504, tempDisks(1, 2400), 0},
		{"Standard_E80ids_v4", 80, 504, tempDisks(1, 2400), 0},
	}},
	// Ev5: https://learn.microsoft.com/azure/virtual-machines/sizes/memory-optimized/ev5-series
	// (MicrosoftDocs/azure-compute-docs@05e75b14).
	{series: "Ev5", path: "sizes/memory-optimized/ev5-series", premiumStorage: false, sizes: []row{
		{"Standard_E2_v5", 2, 16, noTempDisk, 0},
		{"Standard_E4_v5", 4, 32, noTempDisk, 0},
		{"Standard_E8_v5", 8, 64, noTempDisk, 0},
		{"Standard_E16_v5", 16, 128, noTempDisk, 0},
		{"Standard_E20_v5", 20, 160, noTempDisk, 0},
		{"Standard_E32_v5", 32, 256, noTempDisk, 0},
		{"Standard_E48_v5", 48, 384, noTempDisk, 0},
		{"Standard_E64_v5", 64, 512, noTempDisk, 0},
		{"Standard_E96_v5", 96, 672, noTempDisk, 0},
		{"Standard_E104i_v5", 104, 672, noTempDisk, 0},
	}},
	// Esv5: https://learn.microsoft.com/azure/virtual-machines/sizes/memory-optimized/esv5-series
	// (MicrosoftDocs/azure-compute-docs@0175d5fa).
	{series: "Esv5", path: "sizes/memory-optimized/esv5-series", premiumStorage: true, sizes: []row{
		{"Standard_E2s_v5", 2, 16, noTempDisk, 0},
		{"Standard_E4s_v5", 4, 32, noTempDisk, 0},
		{"Standard_E8s_v5", 8, 64, noTempDisk, 0},
		{"Standard_E16s_v5", 16, 128, noTempDisk, 0},
		{"Standard_E20s_v5", 20, 160, noTempDisk, 0},
		{"Standard_E32s_v5", 32, 256, noTempDisk, 0},
		{"Standard_E48s_v5", 48, 384, noTempDisk, 0},
		{"Standard_E64s_v5", 64, 512, noTempDisk, 0},
		{"Standard_E96s_v5", 96, 672, noTempDisk, 0},
		{"Standard_E104is_v5", 104, 672, noTempDisk, 0},
	}},
	// Edsv5: https://learn.microsoft.com/azure/virtual-machines/sizes/memory-optimized/edsv5-series
	// (MicrosoftDocs/azure-compute-docs@1a043fb3).
	{series: "Edsv5", path: "sizes/memory-optimized/edsv5-series", premiumStorage: true, sizes: []row{
		{"Standard_E2ds_v5", 2, 16, tempDisks(1, 75), 0},
		{"Standard_E4ds_v5", 4, 32, tempDisks(1, 150), 0},
		{"Standard_E8ds_v5", 8, 64, tempDisks(1, 300), 0},
		{"Standard_E16ds_v5", 16, 128, tempDisks(1, 600), 0},
		{"Standard_E20ds_v5", 20, 160, tempDisks(1, 750), 0},
		{"Standard_E32ds_v5", 32, 256, tempDisks(1, 1200), 0},
		{"Standard_E48ds_v5", 48, 384, tempDisks(1, 1800), 0},
		{"Standard_E64ds_v5", 64, 512, tempDisks(1, 2400), 0},
		{"Standard_E96ds_v5", 96, 672, tempDisks(1, 3600), 0},
		{"Standard_E104ids_v5", 104, 672, tempDisks(1, 3800), 0},
	}},
	// Easv5: https://learn.microsoft.com/azure/virtual-machines/sizes/memory-optimized/easv5-series
	// (MicrosoftDocs/azure-compute-docs@2e4af987).
	{series: "Easv5", path: "sizes/memory-optimized/easv5-series", premiumStorage: true, sizes: []row{
		{"Standard_E2as_v5", 2, 16, noTempDisk, 0},
		{"Standard_E4as_v5", 4, 32, noTempDisk, 0},
		{"Standard_E8as_v5", 8, 64, noTempDisk, 0},
		{"Standard_E16as_v5", 16, 128, noTempDisk, 0},
		{"Standard_E20as_v5", 20, 160, noTempDisk, 0},
		{"Standard_E32as_v5", 32, 256, noTempDisk, 0},
		{"Standard_E48as_v5", 48, 384, noTempDisk, 0},
		{"Standard_E64as_v5", 64, 512, noTempDisk, 0},
		{"Standard_E96as_v5", 96, 672, noTempDisk, 0},
		{"Standard_E112ias_v5", 112, 672, noTempDisk, 0},
	}},
	// M: https://learn.microsoft.com/azure/virtual-machines/sizes/memory-optimized/m-series
	// (MicrosoftDocs/azure-compute-docs@2e4af987).
	// Cache is the "Max Temp Disk Cache Size" column.
	{series: "M", path: "sizes/memory-optimized/m-series", premiumStorage: true, sizes: []row{
		{"Standard_M8ms", 8, 218.75, tempDisks(1, 256), 793},
		{"Standard_M16ms", 16, 437.5, tempDisks(1, 512), 1587},
		{"Standard_M32ts", 32, 192, tempDisks(1, 1024), 3174},
		{"Standard_M32ls", 32, 256, tempDisks(1, 1024), 3174},
		{"Standard_M32ms", 32, 875, tempDisks(1, 1024), 3174},
		{"Standard_M64s", 64, 1024, tempDisks(1, 2048), 6348},
		{"Standard_M64ls", 64, 512, tempDisks(1, 2048), 6348},
		{"Standard_M64ms", 64, 1792, tempDisks(1, 2048), 6348},
		{"Standard_M128s", 128, 2048, tempDisks(1, 4096), 12696},
		{"Standard_M128ms", 128, 3892, tempDisks(1, 4096), 12696},
		{"Standard_M64", 64, 1024, tempDisks(1, 7168), 1228},
		{"Standard_M64m", 64, 1792, tempDisks(1, 7168), 1228},
		{"Standard_M128", 128, 2048, tempDisks(1, 14336), 2456},
		{"Standard_M128m", 128, 3892, tempDisks(1, 14336), 2456},
	}},
}
